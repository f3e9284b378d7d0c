#define FFI_SCOPE "aipkit_usage"
#define FFI_LIB "lib/libaipkit_usage.so"
/*
 * aipkit_core.h — C ABI of the aipkit-usage core (libaipkit_usage.so), docs/contract.md §3.
 *
 * Loaded by PHP FFI (AipkitUsage\Core\Ffi): FFI::cdef() with this text minus the #define lines,
 * or, on hosts with ffi.enable=preload, as ffi.preload=<this file> (the FFI_SCOPE/FFI_LIB lines above,
 * which PHP only honours as the very first lines of the file).
 * This file must stay free of #include/#ifdef because PHP's FFI parser has no preprocessor;
 * C users include <stdint.h> and <stddef.h> first. The build (bin/build-core) fails when the
 * functions declared here differ from the library's exported symbols.
 *
 * Ownership:
 *  - Inputs (op, input) are borrowed for the duration of the call; the library reads exactly
 *    op_len / input_len bytes (no NUL terminator needed) and keeps no pointer to them. They are
 *    declared `const char *` (same ABI as `const uint8_t *`) because PHP FFI passes a PHP string
 *    without copying only to char/void pointers.
 *  - The buffer written to *out is owned by the library. The caller must release it with
 *    aipkit_free(ptr, len) exactly once, passing the *out and *out_len values unchanged,
 *    and must never free it any other way (not free(), not FFI::free()).
 *  - Returned buffers are plain bytes (JSON text, not NUL-terminated), hence uint8_t * via an
 *    out-parameter: never a `const char *` return, which PHP would copy and leak.
 */
/* ABI version of the library (currently 2). PHP refuses a library whose version differs. */
uint32_t aipkit_abi_version(void);

/*
 * Runs one core operation (contract §1) on a JSON request.
 *   op, op_len        operation name, e.g. "quote" (borrowed)
 *   input, input_len  JSON request object (borrowed; may be NULL only when input_len is 0)
 *   out, out_len      receive a library-owned buffer: the response JSON (status 0) or the
 *                     error JSON {"code","message","field"} (status 1 and 2)
 * Returns: 0 ok; 1 core error; 2 internal error (a caught panic, code "internal_error");
 *          3 invalid arguments (a NULL pointer): *out and *out_len are left untouched.
 */
int32_t aipkit_call(const char *op, size_t op_len, const char *input, size_t input_len,
                    uint8_t **out, size_t *out_len);

/*
 * Prices one request given as compact text (metering hot path; same credits as the "price" op).
 *   input, input_len  borrowed UTF-8 text: a usage line
 *                       usage_type TAB provider TAB model TAB input_tokens TAB output_tokens TAB images TAB videos
 *                     then one line per rule (lines end with LF, no trailing LF)
 *                       id TAB usage_type TAB provider TAB model TAB method TAB input_rate TAB output_rate TAB unit_rate
 *                     empty field: count 0, id/rate not given. May be NULL only when input_len is 0.
 *   out, out_len      receive a library-owned buffer: status 0 the answer line
 *                       credits TAB rule_id (empty when none) TAB fallback (0|1) TAB units
 *                     status 1/2 the error JSON {"code","message","field"} as for aipkit_call.
 * Returns the same statuses as aipkit_call; release the buffer with aipkit_free.
 */
int32_t aipkit_price_text(const char *input, size_t input_len, uint8_t **out, size_t *out_len);

/* Releases a buffer returned through the out-parameters of aipkit_call or aipkit_price_text.
 * ptr NULL is ignored. */
void aipkit_free(uint8_t *ptr, size_t len);
