// openssl_keys: the few libcrypto (EVP) pieces the webhook signer and
// verifier share: owning EVP_PKEY handles, PEM / base64-DER key parsing and
// the one-shot sign / verify calls (Ed25519 with no digest, RSA with SHA-256
// PKCS#1 v1.5). Internal to adapters/ghl/webhooks.
//
// Thread-safety: the functions are thread-safe; an EVP_PKEY is only read
// after it is parsed (OpenSSL 3 allows concurrent use of a const key).
// Errors: INVALID_ARGUMENT naming `what` (never the key material).
#ifndef GHL_ADAPTERS_GHL_WEBHOOKS_OPENSSL_KEYS_H_
#define GHL_ADAPTERS_GHL_WEBHOOKS_OPENSSL_KEYS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace ghl::webhooks::internal {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const;
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

enum class KeyKind { kEd25519, kRsa };

/// "Ed25519" / "RSA" for messages.
const char* KeyKindName(KeyKind kind);

/// A PKCS#8 PEM private key of `kind`.
absl::StatusOr<Pkey> ParsePrivateKeyPem(absl::string_view pem, KeyKind kind,
                                        absl::string_view what);
/// An SPKI public key of `kind`: PEM, or base64 of the DER (whitespace
/// ignored), as GHL publishes its Ed25519 key.
absl::StatusOr<Pkey> ParsePublicKey(absl::string_view text, KeyKind kind, absl::string_view what);

/// PEM of the private (PKCS#8) or public (SPKI) half of `key`.
absl::StatusOr<std::string> PrivateKeyPem(EVP_PKEY* key);
absl::StatusOr<std::string> PublicKeyPem(EVP_PKEY* key);

/// Whether `a` and `b` hold the same public key.
bool SamePublicKey(EVP_PKEY* a, EVP_PKEY* b);

/// Generates a key of `kind` (`rsa_bits` for RSA).
absl::StatusOr<Pkey> GenerateKey(KeyKind kind, int rsa_bits);

/// The raw signature of `data` (Ed25519: pure, RSA: SHA-256 PKCS#1 v1.5).
absl::StatusOr<std::string> SignRaw(EVP_PKEY* key, KeyKind kind, absl::string_view data);
/// Whether `signature` is a valid signature of `data` under `key`.
bool VerifyRaw(EVP_PKEY* key, KeyKind kind, absl::string_view signature, absl::string_view data);

/// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(absl::string_view data);

}  // namespace ghl::webhooks::internal

#endif  // GHL_ADAPTERS_GHL_WEBHOOKS_OPENSSL_KEYS_H_
