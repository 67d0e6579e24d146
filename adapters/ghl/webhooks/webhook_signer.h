// WebhookSigner: signs webhook bodies the way GHL does, for ghl-sandbox (which
// sends signed webhooks with its own test keys) and for tests. Never used by
// the gateway itself. OpenSSL (libcrypto EVP) does the cryptography.
//
//   - Ed25519 over the raw body bytes -> base64, the `X-GHL-Signature` value;
//   - RSA-SHA256 PKCS#1 v1.5 over the raw body bytes -> base64, the
//     `x-wh-signature` value.
//
// Key files are PEM: private keys PKCS#8 ("-----BEGIN PRIVATE KEY-----"),
// public keys SPKI ("-----BEGIN PUBLIC KEY-----"), the format
// WebhookVerifier and `openssl pkey` read.
//
// Thread-safety: Sign* are safe for concurrent use.
#ifndef GHL_ADAPTERS_GHL_WEBHOOKS_WEBHOOK_SIGNER_H_
#define GHL_ADAPTERS_GHL_WEBHOOKS_WEBHOOK_SIGNER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ghl::webhooks {

/// A freshly generated key pair, PEM.
struct KeyPairPem {
  std::string private_pem;  ///< PKCS#8; secret
  std::string public_pem;   ///< SPKI
};

/// Generates an Ed25519 key pair.
absl::StatusOr<KeyPairPem> GenerateEd25519KeyPair();
/// Generates an RSA key pair of `bits` (2048 by default; GHL's is 4096).
absl::StatusOr<KeyPairPem> GenerateRsaKeyPair(int bits = 2048);

/// Loads the key pairs in `dir` (ed25519.pem / ed25519.pub.pem, rsa.pem /
/// rsa.pub.pem), generating and writing any that are missing (private files
/// mode 0600), so a sandbox and its gateway agree on keys across restarts.
/// @return UNAVAILABLE naming the file on an I/O error; INVALID_ARGUMENT
///         naming the file when one does not parse.
struct WebhookKeyDir {
  KeyPairPem ed25519;
  KeyPairPem rsa;
};
absl::StatusOr<WebhookKeyDir> LoadOrCreateKeyDir(const std::string& dir);

class WebhookSigner {
 public:
  /// Either PEM may be empty (that scheme is then not signed).
  /// @return INVALID_ARGUMENT when a given key does not parse or is of the
  ///         wrong type; the message never contains key material.
  static absl::StatusOr<std::unique_ptr<WebhookSigner>> Create(absl::string_view ed25519_private_pem,
                                                               absl::string_view rsa_private_pem);
  ~WebhookSigner();

  bool has_ed25519() const;
  bool has_rsa() const;
  /// base64 Ed25519 signature of `body` (FAILED_PRECONDITION without a key).
  absl::StatusOr<std::string> SignEd25519(absl::string_view body) const;
  /// base64 RSA-SHA256 signature of `body` (FAILED_PRECONDITION without a key).
  absl::StatusOr<std::string> SignRsa(absl::string_view body) const;

 private:
  struct Keys;
  explicit WebhookSigner(std::unique_ptr<Keys> keys);
  std::unique_ptr<Keys> keys_;
};

}  // namespace ghl::webhooks

#endif  // GHL_ADAPTERS_GHL_WEBHOOKS_WEBHOOK_SIGNER_H_
