// WebhookSigner: generated keys sign what OpenSSL verifies (Ed25519 pure,
// RSA-SHA256 PKCS#1 v1.5), bad keys are rejected without echoing them, and
// LoadOrCreateKeyDir creates 0600 private keys once and reloads them.
#include "adapters/ghl/webhooks/webhook_signer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/escaping.h"
#include "adapters/ghl/webhooks/openssl_keys.h"
#include "tests/support/status_matchers.h"

namespace ghl::webhooks {
namespace {

using ::ghl::testing::IsOk;
using ::ghl::testing::StatusIs;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Verifies with the shared OpenSSL helper, independently of the signer.
bool Verifies(const std::string& public_pem, internal::KeyKind kind, const std::string& b64,
              const std::string& body) {
  auto key = internal::ParsePublicKey(public_pem, kind, "test key");
  EXPECT_THAT(key.status(), IsOk());
  if (!key.ok()) return false;
  std::string raw;
  if (!absl::Base64Unescape(b64, &raw)) return false;
  return internal::VerifyRaw(key->get(), kind, raw, body);
}

std::string TempDir(const std::string& name) {
  std::string dir = ::testing::TempDir() + "/" + name + "." + std::to_string(::getpid());
  std::system(("rm -rf '" + dir + "'").c_str());
  return dir;
}

int Mode(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return -1;
  return st.st_mode & 0777;
}

TEST(WebhookSignerTest, Ed25519SignsWhatOpenSslVerifies) {
  auto pair = GenerateEd25519KeyPair();
  ASSERT_THAT(pair.status(), IsOk());
  EXPECT_THAT(pair->private_pem, StartsWith("-----BEGIN PRIVATE KEY-----"));
  EXPECT_THAT(pair->public_pem, StartsWith("-----BEGIN PUBLIC KEY-----"));
  auto signer = WebhookSigner::Create(pair->private_pem, "");
  ASSERT_THAT(signer.status(), IsOk());
  EXPECT_TRUE((*signer)->has_ed25519());
  EXPECT_FALSE((*signer)->has_rsa());
  const std::string body = R"({"type":"ContactCreate","locationId":"loc"})";
  auto sig = (*signer)->SignEd25519(body);
  ASSERT_THAT(sig.status(), IsOk());
  std::string raw;
  ASSERT_TRUE(absl::Base64Unescape(*sig, &raw));
  EXPECT_EQ(raw.size(), 64u);  // an Ed25519 signature
  EXPECT_TRUE(Verifies(pair->public_pem, internal::KeyKind::kEd25519, *sig, body));
  EXPECT_FALSE(Verifies(pair->public_pem, internal::KeyKind::kEd25519, *sig, body + " "));
  // Ed25519 is deterministic.
  EXPECT_EQ(*(*signer)->SignEd25519(body), *sig);
  EXPECT_THAT((*signer)->SignRsa(body), StatusIs(absl::StatusCode::kFailedPrecondition, _));
}

TEST(WebhookSignerTest, RsaSignsWhatOpenSslVerifies) {
  auto pair = GenerateRsaKeyPair(2048);
  ASSERT_THAT(pair.status(), IsOk());
  auto signer = WebhookSigner::Create("", pair->private_pem);
  ASSERT_THAT(signer.status(), IsOk());
  EXPECT_FALSE((*signer)->has_ed25519());
  EXPECT_TRUE((*signer)->has_rsa());
  const std::string body = "{\"type\":\"NoteCreate\"}";
  auto sig = (*signer)->SignRsa(body);
  ASSERT_THAT(sig.status(), IsOk());
  std::string raw;
  ASSERT_TRUE(absl::Base64Unescape(*sig, &raw));
  EXPECT_EQ(raw.size(), 256u);  // 2048-bit modulus
  EXPECT_TRUE(Verifies(pair->public_pem, internal::KeyKind::kRsa, *sig, body));
  EXPECT_FALSE(Verifies(pair->public_pem, internal::KeyKind::kRsa, *sig, "{}"));
  EXPECT_THAT((*signer)->SignEd25519(body), StatusIs(absl::StatusCode::kFailedPrecondition, _));
}

TEST(WebhookSignerTest, RejectsBadOrMismatchedKeysWithoutEchoingThem) {
  auto ed = GenerateEd25519KeyPair();
  auto rsa = GenerateRsaKeyPair(2048);
  ASSERT_THAT(ed.status(), IsOk());
  ASSERT_THAT(rsa.status(), IsOk());
  // An RSA key where Ed25519 is expected, and the other way round.
  auto s1 = WebhookSigner::Create(rsa->private_pem, "");
  EXPECT_THAT(s1.status(), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Ed25519")));
  auto s2 = WebhookSigner::Create("", ed->private_pem);
  EXPECT_THAT(s2.status(), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("RSA")));
  // A public key is not a signing key; garbage is not a key.
  const std::string garbage =
      "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWJ5dGVz\n-----END PRIVATE KEY-----\n";
  auto s3 = WebhookSigner::Create(garbage, "");
  EXPECT_THAT(s3.status(), StatusIs(absl::StatusCode::kInvalidArgument, _));
  EXPECT_THAT(s3.status().message(), Not(HasSubstr("c2VjcmV0")));
  EXPECT_THAT(WebhookSigner::Create(ed->public_pem, "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, _));
  EXPECT_THAT(GenerateRsaKeyPair(12).status(), StatusIs(absl::StatusCode::kInvalidArgument, _));
}

TEST(WebhookSignerTest, KeyDirIsCreatedOnceAndReloaded) {
  const std::string dir = TempDir("webhook-keys");
  auto first = LoadOrCreateKeyDir(dir);
  ASSERT_THAT(first.status(), IsOk());
  EXPECT_EQ(Mode(dir + "/ed25519.pem"), 0600);
  EXPECT_EQ(Mode(dir + "/rsa.pem"), 0600);
  EXPECT_EQ(Mode(dir + "/ed25519.pub.pem"), 0644);
  EXPECT_EQ(Mode(dir + "/rsa.pub.pem"), 0644);
  auto second = LoadOrCreateKeyDir(dir);
  ASSERT_THAT(second.status(), IsOk());
  EXPECT_EQ(second->ed25519.private_pem, first->ed25519.private_pem);
  EXPECT_EQ(second->ed25519.public_pem, first->ed25519.public_pem);
  EXPECT_EQ(second->rsa.private_pem, first->rsa.private_pem);
  EXPECT_EQ(second->rsa.public_pem, first->rsa.public_pem);
  // What the directory's private key signs, its public key verifies.
  auto signer = WebhookSigner::Create(second->ed25519.private_pem, second->rsa.private_pem);
  ASSERT_THAT(signer.status(), IsOk());
  EXPECT_TRUE(Verifies(second->ed25519.public_pem, internal::KeyKind::kEd25519,
                       *(*signer)->SignEd25519("x"), "x"));
  EXPECT_TRUE(
      Verifies(second->rsa.public_pem, internal::KeyKind::kRsa, *(*signer)->SignRsa("x"), "x"));
  // A missing public file is re-derived from the private one.
  ASSERT_EQ(std::remove((dir + "/rsa.pub.pem").c_str()), 0);
  auto third = LoadOrCreateKeyDir(dir);
  ASSERT_THAT(third.status(), IsOk());
  EXPECT_EQ(third->rsa.public_pem, first->rsa.public_pem);
}

TEST(WebhookSignerTest, KeyDirNamesTheBadFile) {
  const std::string dir = TempDir("webhook-keys-bad");
  ASSERT_THAT(LoadOrCreateKeyDir(dir).status(), IsOk());
  { std::ofstream(dir + "/ed25519.pem", std::ios::trunc) << "not a key\n"; }
  EXPECT_THAT(LoadOrCreateKeyDir(dir).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(dir + "/ed25519.pem")));
  // A public key that belongs to another private key.
  const std::string dir2 = TempDir("webhook-keys-mismatch");
  ASSERT_THAT(LoadOrCreateKeyDir(dir2).status(), IsOk());
  auto other = GenerateEd25519KeyPair();
  ASSERT_THAT(other.status(), IsOk());
  { std::ofstream(dir2 + "/ed25519.pub.pem", std::ios::trunc) << other->public_pem; }
  EXPECT_THAT(LoadOrCreateKeyDir(dir2).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ed25519.pub.pem")));
  EXPECT_THAT(LoadOrCreateKeyDir("").status(), StatusIs(absl::StatusCode::kInvalidArgument, _));
  EXPECT_THAT(LoadOrCreateKeyDir("/proc/no-such-dir/keys").status(),
              StatusIs(absl::StatusCode::kUnavailable, _));
}

}  // namespace
}  // namespace ghl::webhooks
