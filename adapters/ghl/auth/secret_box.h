// SecretBox: authenticated encryption of secrets at rest with AES-256-GCM
// (OpenSSL EVP), under one 32-byte key.
//
// Sealed form: 12-byte random nonce || ciphertext || 16-byte tag. The
// associated data binds a sealed value to where it is stored (e.g. the row's
// key), so a sealed value moved to another row does not open.
//
// Keys come from a file or an environment variable, as 64 hex digits or the
// base64 of 32 bytes (e.g. `openssl rand -hex 32`); surrounding whitespace is
// ignored. Errors name the file or variable, never key material.
//
// Thread-safety: immutable after construction; Seal/Open are safe to call
// concurrently (each uses its own cipher context).
#ifndef GHL_ADAPTERS_GHL_AUTH_SECRET_BOX_H_
#define GHL_ADAPTERS_GHL_AUTH_SECRET_BOX_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ghl::auth {

class SecretBox {
 public:
  static constexpr size_t kKeyBytes = 32;

  /// @param source names where the text came from, for errors
  ///        (e.g. "GHL_STATE_KEY"). @return INVALID_ARGUMENT naming it when
  ///        the text is not 64 hex digits or base64 of 32 bytes.
  static absl::StatusOr<SecretBox> FromKeyText(absl::string_view text, absl::string_view source);
  /// Reads a key file. @return NOT_FOUND / INVALID_ARGUMENT naming the file.
  static absl::StatusOr<SecretBox> FromKeyFile(const std::string& path);

  /// Encrypts `plaintext` bound to `aad`.
  absl::StatusOr<std::string> Seal(absl::string_view plaintext, absl::string_view aad) const;
  /// Decrypts a Seal result. @return DATA_LOSS when it does not open (wrong
  ///         key, other aad, or tampered bytes).
  absl::StatusOr<std::string> Open(absl::string_view sealed, absl::string_view aad) const;

 private:
  explicit SecretBox(std::string key) : key_(std::move(key)) {}
  std::string key_;  // kKeyBytes raw bytes
};

/// Lowercase hex SHA-256 of `data` (hashing API keys).
std::string Sha256Hex(absl::string_view data);
/// `n` cryptographically random bytes (OpenSSL RAND_bytes).
absl::StatusOr<std::string> RandomBytes(size_t n);
/// Constant-time equality of two strings of equal length (false otherwise).
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace ghl::auth

#endif  // GHL_ADAPTERS_GHL_AUTH_SECRET_BOX_H_
