/*
 * tls-probe's optional native AEAD (issue 14): the three TLS AEADs on one long-lived OpenSSL
 * EVP_CIPHER_CTX per key, given a new nonce per record, as OpenSSL's own record layer runs them
 * (ssl/record/methods/tls13_meth.c tls13_cipher: EVP_CipherInit_ex with only the IV, then the AAD,
 * the data and the tag). node:crypto cannot re-nonce a context, so without this every record
 * costs a cipher object of its own (bench/aead-floor.mjs).
 *
 * It links against the OpenSSL that Node itself is built with (Node exports its libcrypto symbols
 * to addons), so no second crypto library is involved. Plain Node-API, no C++.
 *
 *   create(alg, key)                           -> handle   alg: 0 AES-128-GCM, 1 AES-256-GCM, 2 ChaCha20-Poly1305
 *   seal(h, nonce, aad, parts, out, offset)    -> bytes    ciphertext of the parts then the 16-byte tag at out[offset..]
 *   open(h, nonce, aad, sealed, out, offset)   -> boolean  sealed = ciphertext || tag; plaintext at out[offset..]
 *
 * out may be the very memory of the input (in place); a partial overlap is refused, as OpenSSL
 * refuses it. The tag check is OpenSSL's (CRYPTO_memcmp, constant time). Every length is checked
 * here before OpenSSL sees a pointer.
 */
#include <node_api.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TAG_LEN 16
#define NONCE_LEN 12
#define MAX_PARTS 8

typedef struct {
  EVP_CIPHER_CTX *ctx;
} aead_t;

/* Marks the handles create() makes, so that no other External is taken for one (Node-API 8). */
static const napi_type_tag HANDLE_TAG = {0x746c732d70726f62ULL, 0x652d616561643031ULL};

static napi_value fail(napi_env env, const char *code, const char *msg) {
  napi_throw_type_error(env, code, msg);
  return NULL;
}

/* The bytes of a Uint8Array (or Buffer) argument; 0 when it is not one. */
static int bytes_of(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) return 0;
  napi_typedarray_type type;
  void *p = NULL;
  size_t n = 0;
  if (napi_get_typedarray_info(env, v, &type, &n, &p, NULL, NULL) != napi_ok) return 0;
  if (type != napi_uint8_array) return 0;
  *data = (uint8_t *)p;
  *len = n;
  return 1;
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  aead_t *a = (aead_t *)data;
  EVP_CIPHER_CTX_free(a->ctx); /* cleanses the key schedule */
  free(a);
}

static napi_value create(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 2)
    return fail(env, "ERR_INVALID_ARG_VALUE", "create(alg, key)");
  uint32_t alg = 0;
  if (napi_get_value_uint32(env, argv[0], &alg) != napi_ok) return fail(env, "ERR_INVALID_ARG_VALUE", "bad alg");
  const EVP_CIPHER *cipher = alg == 0 ? EVP_aes_128_gcm() : alg == 1 ? EVP_aes_256_gcm() : alg == 2 ? EVP_chacha20_poly1305() : NULL;
  uint8_t *key;
  size_t key_len;
  if (cipher == NULL || !bytes_of(env, argv[1], &key, &key_len) || key_len != (size_t)EVP_CIPHER_get_key_length(cipher))
    return fail(env, "ERR_INVALID_ARG_VALUE", "bad alg or key length");
  aead_t *a = (aead_t *)malloc(sizeof(aead_t));
  if (a == NULL) return fail(env, "ERR_MEMORY", "out of memory");
  a->ctx = EVP_CIPHER_CTX_new();
  /* The key once (key schedule, GHASH table); every record then sets only its nonce. */
  if (a->ctx == NULL || EVP_CipherInit_ex(a->ctx, cipher, NULL, NULL, NULL, 1) != 1 ||
      EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_SET_IVLEN, NONCE_LEN, NULL) != 1 ||
      EVP_CipherInit_ex(a->ctx, NULL, NULL, key, NULL, 1) != 1) {
    EVP_CIPHER_CTX_free(a->ctx);
    free(a);
    return fail(env, "ERR_CRYPTO_OPERATION_FAILED", "EVP_CipherInit_ex failed");
  }
  napi_value handle;
  if (napi_create_external(env, a, finalize, NULL, &handle) != napi_ok) {
    EVP_CIPHER_CTX_free(a->ctx);
    free(a);
    return fail(env, "ERR_MEMORY", "napi_create_external failed");
  }
  /* The finalizer owns `a` from here on. */
  if (napi_type_tag_object(env, handle, &HANDLE_TAG) != napi_ok) return fail(env, "ERR_MEMORY", "napi_type_tag_object failed");
  return handle;
}

/* Whether [a, a+an) and [b, b+bn) overlap without starting at the same byte. */
static int partially_overlapping(const uint8_t *a, size_t an, const uint8_t *b, size_t bn) {
  if (an == 0 || bn == 0 || a == b) return 0;
  return a < b + bn && b < a + an;
}

/* The handle, nonce, AAD, out and offset shared by seal and open; argv[3] is left to the caller. */
static int common_args(napi_env env, napi_value *argv, aead_t **a, uint8_t **nonce, uint8_t **aad, size_t *aad_len,
                       uint8_t **out, size_t *out_len) {
  size_t nonce_len;
  uint32_t offset;
  bool tagged = false;
  if (napi_check_object_type_tag(env, argv[0], &HANDLE_TAG, &tagged) != napi_ok || !tagged) return 0;
  if (napi_get_value_external(env, argv[0], (void **)a) != napi_ok || *a == NULL) return 0;
  if (!bytes_of(env, argv[1], nonce, &nonce_len) || nonce_len != NONCE_LEN) return 0;
  if (!bytes_of(env, argv[2], aad, aad_len) || *aad_len > INT32_MAX) return 0;
  if (!bytes_of(env, argv[4], out, out_len)) return 0;
  if (napi_get_value_uint32(env, argv[5], &offset) != napi_ok || offset > *out_len) return 0;
  *out += offset;
  *out_len -= offset;
  return 1;
}

static napi_value seal(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  aead_t *a;
  uint8_t *nonce, *aad, *out;
  size_t aad_len, out_len;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 6)
    return fail(env, "ERR_INVALID_ARG_VALUE", "seal(handle, nonce12, aad, parts, out, offset)");
  /* The parts' values first: reading an element may run JavaScript (a getter, a Proxy), which must
   * not run once any pointer into a buffer is held (it could detach the buffer). */
  uint32_t nparts = 0;
  bool is_array = false;
  napi_value elem[MAX_PARTS];
  if (napi_is_array(env, argv[3], &is_array) != napi_ok || !is_array ||
      napi_get_array_length(env, argv[3], &nparts) != napi_ok || nparts > MAX_PARTS)
    return fail(env, "ERR_INVALID_ARG_VALUE", "parts must be an array of at most 8 Uint8Arrays");
  for (uint32_t i = 0; i < nparts; i++)
    if (napi_get_element(env, argv[3], i, &elem[i]) != napi_ok)
      return fail(env, "ERR_INVALID_ARG_VALUE", "parts must be Uint8Arrays");
  if (!common_args(env, argv, &a, &nonce, &aad, &aad_len, &out, &out_len))
    return fail(env, "ERR_INVALID_ARG_VALUE", "seal(handle, nonce12, aad, parts, out, offset)");
  uint8_t *part[MAX_PARTS];
  size_t part_len[MAX_PARTS];
  size_t total = 0;
  for (uint32_t i = 0; i < nparts; i++) {
    if (!bytes_of(env, elem[i], &part[i], &part_len[i]))
      return fail(env, "ERR_INVALID_ARG_VALUE", "parts must be Uint8Arrays");
    total += part_len[i];
  }
  if (total > INT32_MAX - TAG_LEN || out_len < total + TAG_LEN)
    return fail(env, "ERR_OUT_OF_RANGE", "out is too short for ciphertext and tag");
  /* Each part lands at its own place in out: in place, or apart from it, never partly over it. */
  size_t at = 0;
  for (uint32_t i = 0; i < nparts; i++) {
    if (part[i] != out + at && partially_overlapping(part[i], part_len[i], out, total + TAG_LEN))
      return fail(env, "ERR_INVALID_ARG_VALUE", "a part partially overlaps out");
    at += part_len[i];
  }
  int n = 0;
  if (EVP_CipherInit_ex(a->ctx, NULL, NULL, NULL, nonce, 1) != 1 ||
      (aad_len > 0 && EVP_CipherUpdate(a->ctx, NULL, &n, aad, (int)aad_len) != 1))
    return fail(env, "ERR_CRYPTO_OPERATION_FAILED", "AEAD seal failed");
  at = 0;
  for (uint32_t i = 0; i < nparts; i++) {
    if (part_len[i] == 0) continue;
    if (EVP_CipherUpdate(a->ctx, out + at, &n, part[i], (int)part_len[i]) != 1 || (size_t)n != part_len[i])
      return fail(env, "ERR_CRYPTO_OPERATION_FAILED", "AEAD seal failed");
    at += part_len[i];
  }
  if (EVP_CipherFinal_ex(a->ctx, out + at, &n) != 1 || n != 0 ||
      EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_GET_TAG, TAG_LEN, out + at) != 1)
    return fail(env, "ERR_CRYPTO_OPERATION_FAILED", "AEAD seal failed");
  napi_value result;
  napi_create_uint32(env, (uint32_t)(total + TAG_LEN), &result);
  return result;
}

static napi_value open_(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  aead_t *a;
  uint8_t *nonce, *aad, *out, *in;
  size_t aad_len, out_len, in_len;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 6 ||
      !common_args(env, argv, &a, &nonce, &aad, &aad_len, &out, &out_len) || !bytes_of(env, argv[3], &in, &in_len))
    return fail(env, "ERR_INVALID_ARG_VALUE", "open(handle, nonce12, aad, sealed, out, offset)");
  napi_value result;
  if (in_len < TAG_LEN || in_len > INT32_MAX) {
    napi_get_boolean(env, false, &result);
    return result;
  }
  size_t ct_len = in_len - TAG_LEN;
  if (out_len < ct_len) return fail(env, "ERR_OUT_OF_RANGE", "out is too short for the plaintext");
  if (partially_overlapping(in, ct_len, out, ct_len))
    return fail(env, "ERR_INVALID_ARG_VALUE", "sealed partially overlaps out");
  /* The tag is read before the plaintext may overwrite anything: it sits after the ciphertext. */
  uint8_t tag[TAG_LEN];
  memcpy(tag, in + ct_len, TAG_LEN);
  int n = 0, ok = 0;
  if (EVP_CipherInit_ex(a->ctx, NULL, NULL, NULL, nonce, 0) != 1 ||
      (aad_len > 0 && EVP_CipherUpdate(a->ctx, NULL, &n, aad, (int)aad_len) != 1) ||
      (ct_len > 0 && EVP_CipherUpdate(a->ctx, out, &n, in, (int)ct_len) != 1) ||
      EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_SET_TAG, TAG_LEN, tag) != 1)
    return fail(env, "ERR_CRYPTO_OPERATION_FAILED", "AEAD open failed");
  /* EVP_CipherFinal_ex compares the tag (CRYPTO_memcmp) and fails on a mismatch. */
  ok = EVP_CipherFinal_ex(a->ctx, out + ct_len, &n) == 1;
  /* A forged record's plaintext is not left behind for the caller to use by mistake. */
  if (!ok) OPENSSL_cleanse(out, ct_len);
  napi_get_boolean(env, ok, &result);
  return result;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_property_descriptor props[] = {
      {"create", NULL, create, NULL, NULL, NULL, napi_enumerable, NULL},
      {"seal", NULL, seal, NULL, NULL, NULL, napi_enumerable, NULL},
      {"open", NULL, open_, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, 3, props) != napi_ok) return NULL;
  return exports;
}
