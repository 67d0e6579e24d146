#include "adapters/ghl/webhooks/webhook_verifier.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "adapters/ghl/webhooks/openssl_keys.h"

namespace ghl::webhooks {
namespace {

namespace v1 = ::ghl::contacts::v1;
using internal::KeyKind;
using internal::Pkey;

// GHL's Ed25519 key (SPKI DER, base64), from GHL's webhook integration guide
// as ../shared/ghl-api/README.md quotes it.
constexpr char kGhlEd25519Key[] = "MCowBQYDK2VwAyEAi2HR1srL4o18O8BRa7gVJY7G7bupbN3H9AwJrHCDiOg=";

// GHL's legacy RSA key, from ../shared/ghl-api/docs/oauth/WebhookAuthentication.md.
constexpr char kGhlRsaKey[] = R"(-----BEGIN PUBLIC KEY-----
MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAokvo/r9tVgcfZ5DysOSC
Frm602qYV0MaAiNnX9O8KxMbiyRKWeL9JpCpVpt4XHIcBOK4u3cLSqJGOLaPuXw6
dO0t6Q/ZVdAV5Phz+ZtzPL16iCGeK9po6D6JHBpbi989mmzMryUnQJezlYJ3DVfB
csedpinheNnyYeFXolrJvcsjDtfAeRx5ByHQmTnSdFUzuAnC9/GepgLT9SM4nCpv
uxmZMxrJt5Rw+VUaQ9B8JSvbMPpez4peKaJPZHBbU3OdeCVx5klVXXZQGNHOs8gF
3kvoV5rTnXV0IknLBXlcKKAQLZcY/Q9rG6Ifi9c+5vqlvHPCUJFT5XUGG5RKgOKU
J062fRtN+rLYZUV+BjafxQauvC8wSWeYja63VSUruvmNj8xkx2zE/Juc+yjLjTXp
IocmaiFeAO6fUtNjDeFVkhf5LNb59vECyrHD2SQIrhgXpO4Q3dVNA5rw576PwTzN
h/AMfHKIjE4xQA1SZuYJmNnmVZLIZBlQAF9Ntd03rfadZ+yDiOXCCs9FkHibELhC
HULgCsnuDJHcrGNd5/Ddm5hxGQ0ASitgHeMZ0kcIOwKDOzOU53lDza6/Y09T7sYJ
PQe7z0cvj7aE4B+Ax1ZoZGPzpJlZtGXCsu9aTEGEnKzmsFqwcSsnw3JB31IGKAyk
T1hhTiaCeIY/OwwwNUY2yvcCAwEAAQ==
-----END PUBLIC KEY-----
)";

// Longest signature header accepted (a 16384-bit RSA signature is 2732
// base64 characters); anything longer is not a signature.
constexpr size_t kMaxSignatureChars = 4096;

// The raw bytes of a base64 signature header (surrounding blanks ignored).
bool DecodeSignature(absl::string_view header, std::string* raw) {
  header = absl::StripAsciiWhitespace(header);
  if (header.empty() || header.size() > kMaxSignatureChars) return false;
  return absl::Base64Unescape(header, raw) && !raw->empty();
}

}  // namespace

WebhookKeys WebhookKeys::GhlProduction() {
  WebhookKeys keys;
  keys.ed25519.push_back(kGhlEd25519Key);
  keys.rsa.push_back(kGhlRsaKey);
  return keys;
}

struct WebhookVerifier::Keys {
  std::vector<Pkey> ed25519;
  std::vector<Pkey> rsa;
};

WebhookVerifier::WebhookVerifier(std::unique_ptr<Keys> keys) : keys_(std::move(keys)) {}
WebhookVerifier::~WebhookVerifier() = default;

absl::StatusOr<std::unique_ptr<WebhookVerifier>> WebhookVerifier::Create(const WebhookKeys& keys) {
  if (keys.ed25519.empty() && keys.rsa.empty()) {
    return absl::InvalidArgumentError("no webhook public key is configured");
  }
  auto parsed = std::make_unique<Keys>();
  for (size_t i = 0; i < keys.ed25519.size(); ++i) {
    auto key = internal::ParsePublicKey(keys.ed25519[i], KeyKind::kEd25519,
                                        absl::StrCat("Ed25519 webhook key #", i + 1));
    if (!key.ok()) return key.status();
    parsed->ed25519.push_back(*std::move(key));
  }
  for (size_t i = 0; i < keys.rsa.size(); ++i) {
    auto key = internal::ParsePublicKey(keys.rsa[i], KeyKind::kRsa,
                                        absl::StrCat("RSA webhook key #", i + 1));
    if (!key.ok()) return key.status();
    parsed->rsa.push_back(*std::move(key));
  }
  return std::unique_ptr<WebhookVerifier>(new WebhookVerifier(std::move(parsed)));
}

absl::StatusOr<v1::SignatureScheme> WebhookVerifier::Verify(absl::string_view ghl_signature,
                                                            absl::string_view wh_signature,
                                                            absl::string_view raw_body) const {
  // The Ed25519 header decides whenever it is present (see the header).
  const bool ed25519 = !absl::StripAsciiWhitespace(ghl_signature).empty();
  if (!ed25519 && absl::StripAsciiWhitespace(wh_signature).empty()) {
    return absl::UnauthenticatedError("no X-GHL-Signature or x-wh-signature header");
  }
  const absl::string_view header_name = ed25519 ? "X-GHL-Signature" : "x-wh-signature";
  const KeyKind kind = ed25519 ? KeyKind::kEd25519 : KeyKind::kRsa;
  const std::vector<Pkey>& keys = ed25519 ? keys_->ed25519 : keys_->rsa;
  std::string raw;
  if (!DecodeSignature(ed25519 ? ghl_signature : wh_signature, &raw)) {
    return absl::UnauthenticatedError(absl::StrCat(header_name, " is not valid base64"));
  }
  if (keys.empty()) {
    return absl::UnauthenticatedError(
        absl::StrCat(header_name, ": no ", internal::KeyKindName(kind), " key is configured"));
  }
  for (const Pkey& key : keys) {
    if (internal::VerifyRaw(key.get(), kind, raw, raw_body)) {
      return ed25519 ? v1::SIGNATURE_SCHEME_ED25519 : v1::SIGNATURE_SCHEME_RSA_SHA256;
    }
  }
  return absl::UnauthenticatedError(
      absl::StrCat(header_name, " does not verify the body with any configured key"));
}

absl::StatusOr<std::string> ReadKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read the key file ", path));
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  if (text.size() > (1 << 20)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": larger than 1 MiB, not a key file"));
  }
  // Either scheme's parser must accept it.
  if (!internal::ParsePublicKey(text, KeyKind::kEd25519, path).ok() &&
      !internal::ParsePublicKey(text, KeyKind::kRsa, path).ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not an Ed25519 or RSA public key (PEM or base64 SPKI DER)"));
  }
  return text;
}

}  // namespace ghl::webhooks
