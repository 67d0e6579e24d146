// WebhookVerifier: checks that a webhook delivery comes from GHL, over the
// raw body bytes exactly as received (never a re-serialised body):
//   - `X-GHL-Signature`: base64 Ed25519 signature (GHL's current scheme);
//   - `x-wh-signature`:  base64 RSA-SHA256 PKCS#1 v1.5 signature (legacy,
//     deprecated by GHL from 2026-07-01).
// Keys are configurable (GHL's production keys by default; ghl-sandbox signs
// with its own test keys) and several keys per scheme are accepted, so a key
// rotation needs no downtime. OpenSSL (libcrypto EVP) does the cryptography.
//
// When both headers are present the Ed25519 one decides (it is GHL's current
// scheme); the legacy header is only tried when there is no Ed25519 header.
//
// Thread-safety: Verify is safe for concurrent use (keys are immutable).
#ifndef GHL_ADAPTERS_GHL_WEBHOOKS_WEBHOOK_VERIFIER_H_
#define GHL_ADAPTERS_GHL_WEBHOOKS_WEBHOOK_VERIFIER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ghl/contacts/v1/events_service.pb.h"

namespace ghl::webhooks {

/// Public keys the verifier accepts.
struct WebhookKeys {
  /// Ed25519 public keys: PEM ("-----BEGIN PUBLIC KEY-----") or SPKI DER in
  /// base64 (as GHL publishes it).
  std::vector<std::string> ed25519;
  /// RSA public keys, PEM (SPKI).
  std::vector<std::string> rsa;

  /// GHL's production keys (../shared/ghl-api/README.md and
  /// docs/oauth/WebhookAuthentication.md).
  static WebhookKeys GhlProduction();
};

class WebhookVerifier {
 public:
  /// @return INVALID_ARGUMENT naming the scheme and index of a key that does
  ///         not parse (or is of the wrong type), or when no key is given.
  static absl::StatusOr<std::unique_ptr<WebhookVerifier>> Create(const WebhookKeys& keys);
  ~WebhookVerifier();

  /// @param ghl_signature value of `X-GHL-Signature` ("" if absent).
  /// @param wh_signature  value of `x-wh-signature` ("" if absent).
  /// @return the scheme that verified the body; UNAUTHENTICATED when no
  ///         signature header is present, the signature is not valid base64,
  ///         or no configured key of the scheme verifies it. The message
  ///         never contains the body.
  absl::StatusOr<ghl::contacts::v1::SignatureScheme> Verify(absl::string_view ghl_signature,
                                                            absl::string_view wh_signature,
                                                            absl::string_view raw_body) const;

 private:
  struct Keys;
  explicit WebhookVerifier(std::unique_ptr<Keys> keys);
  std::unique_ptr<Keys> keys_;
};

/// Reads a key file (PEM or base64 SPKI DER) for WebhookKeys.
/// @return NOT_FOUND / INVALID_ARGUMENT naming the file.
absl::StatusOr<std::string> ReadKeyFile(const std::string& path);

}  // namespace ghl::webhooks

#endif  // GHL_ADAPTERS_GHL_WEBHOOKS_WEBHOOK_VERIFIER_H_
