#include "adapters/ghl/webhooks/openssl_keys.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ghl::webhooks::internal {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

int EvpType(KeyKind kind) { return kind == KeyKind::kEd25519 ? EVP_PKEY_ED25519 : EVP_PKEY_RSA; }

// The error queue may hold details about key material; it is cleared, never
// printed.
void ClearErrors() { ERR_clear_error(); }

absl::Status CheckKind(EVP_PKEY* key, KeyKind kind, absl::string_view what) {
  if (EVP_PKEY_base_id(key) != EvpType(kind)) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": not an ", KeyKindName(kind), " key"));
  }
  return absl::OkStatus();
}

const EVP_MD* Digest(KeyKind kind) { return kind == KeyKind::kEd25519 ? nullptr : EVP_sha256(); }

absl::StatusOr<std::string> BioToString(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  if (size <= 0 || data == nullptr) return absl::InternalError("cannot write the key as PEM");
  return std::string(data, static_cast<size_t>(size));
}

}  // namespace

void PkeyFree::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }

const char* KeyKindName(KeyKind kind) { return kind == KeyKind::kEd25519 ? "Ed25519" : "RSA"; }

absl::StatusOr<Pkey> ParsePrivateKeyPem(absl::string_view pem, KeyKind kind,
                                        absl::string_view what) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return absl::InternalError("out of memory");
  Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  ClearErrors();
  if (!key) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": not a PEM ", KeyKindName(kind), " private key"));
  }
  if (auto s = CheckKind(key.get(), kind, what); !s.ok()) return s;
  return key;
}

absl::StatusOr<Pkey> ParsePublicKey(absl::string_view text, KeyKind kind, absl::string_view what) {
  Pkey key;
  if (absl::StrContains(text, "-----BEGIN")) {
    Bio bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
    if (!bio) return absl::InternalError("out of memory");
    key.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  } else {
    std::string compact;
    for (char c : text) {
      if (!absl::ascii_isspace(static_cast<unsigned char>(c))) compact.push_back(c);
    }
    std::string der;
    if (!compact.empty() && absl::Base64Unescape(compact, &der)) {
      const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
      key.reset(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
      // Trailing bytes after the key are not a key.
      if (key && p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) key.reset();
    }
  }
  ClearErrors();
  if (!key) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": not a ", KeyKindName(kind), " public key (PEM or base64 SPKI DER)"));
  }
  if (auto s = CheckKind(key.get(), kind, what); !s.ok()) return s;
  return key;
}

absl::StatusOr<std::string> PrivateKeyPem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    ClearErrors();
    return absl::InternalError("cannot write the private key as PEM");
  }
  return BioToString(bio.get());
}

absl::StatusOr<std::string> PublicKeyPem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
    ClearErrors();
    return absl::InternalError("cannot write the public key as PEM");
  }
  return BioToString(bio.get());
}

bool SamePublicKey(EVP_PKEY* a, EVP_PKEY* b) {
  const bool same = EVP_PKEY_eq(a, b) == 1;
  ClearErrors();
  return same;
}

absl::StatusOr<Pkey> GenerateKey(KeyKind kind, int rsa_bits) {
  if (kind == KeyKind::kRsa && (rsa_bits < 1024 || rsa_bits > 16384)) {
    return absl::InvalidArgumentError(
        absl::StrCat("RSA key size ", rsa_bits, " is outside 1024..16384 bits"));
  }
  PkeyCtx ctx(EVP_PKEY_CTX_new_id(EvpType(kind), nullptr));
  EVP_PKEY* raw = nullptr;
  bool ok = ctx && EVP_PKEY_keygen_init(ctx.get()) == 1;
  if (ok && kind == KeyKind::kRsa) ok = EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), rsa_bits) == 1;
  if (ok) ok = EVP_PKEY_keygen(ctx.get(), &raw) == 1;
  ClearErrors();
  if (!ok || raw == nullptr) {
    return absl::InternalError(absl::StrCat("cannot generate an ", KeyKindName(kind), " key"));
  }
  return Pkey(raw);
}

absl::StatusOr<std::string> SignRaw(EVP_PKEY* key, KeyKind kind, absl::string_view data) {
  MdCtx ctx(EVP_MD_CTX_new());
  size_t size = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, Digest(kind), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size, in, data.size()) != 1) {
    ClearErrors();
    return absl::InternalError(absl::StrCat("cannot sign with the ", KeyKindName(kind), " key"));
  }
  std::string out(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &size, in,
                     data.size()) != 1) {
    ClearErrors();
    return absl::InternalError(absl::StrCat("cannot sign with the ", KeyKindName(kind), " key"));
  }
  out.resize(size);
  return out;
}

bool VerifyRaw(EVP_PKEY* key, KeyKind kind, absl::string_view signature, absl::string_view data) {
  MdCtx ctx(EVP_MD_CTX_new());
  const bool ok =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, Digest(kind), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) == 1;
  ClearErrors();
  return ok;
}

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

}  // namespace ghl::webhooks::internal
