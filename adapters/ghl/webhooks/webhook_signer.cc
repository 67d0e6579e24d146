#include "adapters/ghl/webhooks/webhook_signer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "adapters/ghl/webhooks/openssl_keys.h"

namespace ghl::webhooks {
namespace {

using internal::KeyKind;
using internal::Pkey;

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

absl::StatusOr<KeyPairPem> ToPem(EVP_PKEY* key) {
  auto priv = internal::PrivateKeyPem(key);
  if (!priv.ok()) return priv.status();
  auto pub = internal::PublicKeyPem(key);
  if (!pub.ok()) return pub.status();
  return KeyPairPem{*std::move(priv), *std::move(pub)};
}

absl::StatusOr<KeyPairPem> Generate(KeyKind kind, int bits) {
  auto key = internal::GenerateKey(kind, bits);
  if (!key.ok()) return key.status();
  return ToPem(key->get());
}

// A key file; NOT_FOUND when it does not exist.
absl::StatusOr<std::string> ReadSmallFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat("no file ", path));
    return Errno("cannot open", path);
  }
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      auto s = Errno("cannot read", path);
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > (1 << 20)) {
      ::close(fd);
      return absl::InvalidArgumentError(absl::StrCat(path, ": larger than 1 MiB, not a key file"));
    }
  }
  ::close(fd);
  return out;
}

// Writes `data` to `path` only if it does not exist yet (a temporary file,
// fsync, then link(2), which fails if another process created `path` first).
// @return true if written, false if `path` already existed.
absl::StatusOr<bool> CreateFileExclusive(const std::string& path, absl::string_view data,
                                         mode_t mode) {
  const std::string tmp = absl::StrCat(path, ".tmp.", ::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Errno("cannot create", tmp);
  ::fchmod(fd, mode);
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      auto s = Errno("cannot write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return s;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    auto s = Errno("cannot sync", tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  }
  ::close(fd);
  const int rc = ::link(tmp.c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (rc == 0) return true;
  if (link_errno == EEXIST) return false;
  errno = link_errno;
  return Errno("cannot create", path);
}

// One key pair of the directory: `base`.pem (private) and `base`.pub.pem.
absl::StatusOr<KeyPairPem> LoadOrCreatePair(const std::string& dir, const std::string& base,
                                            KeyKind kind, int bits) {
  const std::string priv_path = absl::StrCat(dir, "/", base, ".pem");
  const std::string pub_path = absl::StrCat(dir, "/", base, ".pub.pem");
  auto priv = ReadSmallFile(priv_path);
  if (absl::IsNotFound(priv.status())) {
    auto fresh = Generate(kind, bits);
    if (!fresh.ok()) return fresh.status();
    auto created = CreateFileExclusive(priv_path, fresh->private_pem, 0600);
    if (!created.ok()) return created.status();
    // Lost a race with another process: use its key.
    priv = *created ? fresh->private_pem : ReadSmallFile(priv_path);
  }
  if (!priv.ok()) return priv.status();
  auto key = internal::ParsePrivateKeyPem(*priv, kind, priv_path);
  if (!key.ok()) return key.status();
  auto pair = ToPem(key->get());
  if (!pair.ok()) return pair.status();
  pair->private_pem = *std::move(priv);
  auto pub = ReadSmallFile(pub_path);
  if (absl::IsNotFound(pub.status())) {
    auto created = CreateFileExclusive(pub_path, pair->public_pem, 0644);
    if (!created.ok()) return created.status();
    pub = *created ? pair->public_pem : ReadSmallFile(pub_path);
  }
  if (!pub.ok()) return pub.status();
  auto pub_key = internal::ParsePublicKey(*pub, kind, pub_path);
  if (!pub_key.ok()) return pub_key.status();
  if (!internal::SamePublicKey(pub_key->get(), key->get())) {
    return absl::InvalidArgumentError(
        absl::StrCat(pub_path, ": is not the public key of ", priv_path));
  }
  return pair;
}

}  // namespace

absl::StatusOr<KeyPairPem> GenerateEd25519KeyPair() { return Generate(KeyKind::kEd25519, 0); }

absl::StatusOr<KeyPairPem> GenerateRsaKeyPair(int bits) { return Generate(KeyKind::kRsa, bits); }

absl::StatusOr<WebhookKeyDir> LoadOrCreateKeyDir(const std::string& dir) {
  if (dir.empty()) return absl::InvalidArgumentError("the webhook key directory path is empty");
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Errno("cannot create the webhook key directory", dir);
  }
  auto ed = LoadOrCreatePair(dir, "ed25519", KeyKind::kEd25519, 0);
  if (!ed.ok()) return ed.status();
  auto rsa = LoadOrCreatePair(dir, "rsa", KeyKind::kRsa, 2048);
  if (!rsa.ok()) return rsa.status();
  return WebhookKeyDir{*std::move(ed), *std::move(rsa)};
}

struct WebhookSigner::Keys {
  Pkey ed25519;
  Pkey rsa;
};

WebhookSigner::WebhookSigner(std::unique_ptr<Keys> keys) : keys_(std::move(keys)) {}
WebhookSigner::~WebhookSigner() = default;

absl::StatusOr<std::unique_ptr<WebhookSigner>> WebhookSigner::Create(
    absl::string_view ed25519_private_pem, absl::string_view rsa_private_pem) {
  auto keys = std::make_unique<Keys>();
  if (!ed25519_private_pem.empty()) {
    auto key = internal::ParsePrivateKeyPem(ed25519_private_pem, KeyKind::kEd25519,
                                            "the Ed25519 signing key");
    if (!key.ok()) return key.status();
    keys->ed25519 = *std::move(key);
  }
  if (!rsa_private_pem.empty()) {
    auto key = internal::ParsePrivateKeyPem(rsa_private_pem, KeyKind::kRsa, "the RSA signing key");
    if (!key.ok()) return key.status();
    keys->rsa = *std::move(key);
  }
  return std::unique_ptr<WebhookSigner>(new WebhookSigner(std::move(keys)));
}

bool WebhookSigner::has_ed25519() const { return keys_->ed25519 != nullptr; }
bool WebhookSigner::has_rsa() const { return keys_->rsa != nullptr; }

absl::StatusOr<std::string> WebhookSigner::SignEd25519(absl::string_view body) const {
  if (!has_ed25519()) return absl::FailedPreconditionError("no Ed25519 signing key");
  auto sig = internal::SignRaw(keys_->ed25519.get(), KeyKind::kEd25519, body);
  if (!sig.ok()) return sig.status();
  return absl::Base64Escape(*sig);
}

absl::StatusOr<std::string> WebhookSigner::SignRsa(absl::string_view body) const {
  if (!has_rsa()) return absl::FailedPreconditionError("no RSA signing key");
  auto sig = internal::SignRaw(keys_->rsa.get(), KeyKind::kRsa, body);
  if (!sig.ok()) return sig.status();
  return absl::Base64Escape(*sig);
}

}  // namespace ghl::webhooks
