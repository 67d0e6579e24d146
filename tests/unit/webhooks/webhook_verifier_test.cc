// WebhookVerifier: generated Ed25519 / RSA pairs verify what the signer
// signs; a flipped byte, a wrong key, bad base64, an empty header and a bad
// Ed25519 header beside a good RSA one are rejected (UNAUTHENTICATED, no body
// in the message); GHL's production keys load and equal the shared docs.
#include "adapters/ghl/webhooks/webhook_verifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "adapters/ghl/webhooks/webhook_signer.h"
#include "tests/support/shared_dir.h"
#include "tests/support/status_matchers.h"

namespace ghl::webhooks {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::ghl::testing::IsOk;
using ::ghl::testing::StatusIs;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kBody[] =
    R"({"type":"ContactCreate","locationId":"loc-1","email":"private@example.com","webhookId":"w1"})";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

class VerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ed = GenerateEd25519KeyPair();
    auto rsa = GenerateRsaKeyPair(2048);
    auto other_ed = GenerateEd25519KeyPair();
    auto other_rsa = GenerateRsaKeyPair(2048);
    ASSERT_THAT(ed.status(), IsOk());
    ASSERT_THAT(rsa.status(), IsOk());
    ASSERT_THAT(other_ed.status(), IsOk());
    ASSERT_THAT(other_rsa.status(), IsOk());
    ed_ = *ed;
    rsa_ = *rsa;
    other_ed_ = *other_ed;
    other_rsa_ = *other_rsa;
    auto signer = WebhookSigner::Create(ed_.private_pem, rsa_.private_pem);
    ASSERT_THAT(signer.status(), IsOk());
    signer_ = *std::move(signer);
  }

  std::unique_ptr<WebhookVerifier> Verifier(std::vector<std::string> ed,
                                            std::vector<std::string> rsa) {
    auto v = WebhookVerifier::Create(WebhookKeys{std::move(ed), std::move(rsa)});
    EXPECT_THAT(v.status(), IsOk());
    return v.ok() ? *std::move(v) : nullptr;
  }

  std::string Ed(absl::string_view body) { return *signer_->SignEd25519(body); }
  std::string Rsa(absl::string_view body) { return *signer_->SignRsa(body); }

  KeyPairPem ed_, rsa_, other_ed_, other_rsa_;
  std::unique_ptr<WebhookSigner> signer_;
};

TEST_F(VerifierTest, ValidSignaturesVerifyAndNameTheScheme) {
  auto v = Verifier({ed_.public_pem}, {rsa_.public_pem});
  ASSERT_NE(v, nullptr);
  auto ed = v->Verify(Ed(kBody), "", kBody);
  ASSERT_THAT(ed.status(), IsOk());
  EXPECT_EQ(*ed, v1::SIGNATURE_SCHEME_ED25519);
  auto rsa = v->Verify("", Rsa(kBody), kBody);
  ASSERT_THAT(rsa.status(), IsOk());
  EXPECT_EQ(*rsa, v1::SIGNATURE_SCHEME_RSA_SHA256);
  // Both headers good: Ed25519 decides.
  EXPECT_EQ(*v->Verify(Ed(kBody), Rsa(kBody), kBody), v1::SIGNATURE_SCHEME_ED25519);
  // Surrounding blanks of a header value are not part of the signature.
  EXPECT_THAT(v->Verify(" " + Ed(kBody) + " ", "", kBody).status(), IsOk());
}

TEST_F(VerifierTest, EveryFlippedByteOfTheBodyIsRejected) {
  auto v = Verifier({ed_.public_pem}, {rsa_.public_pem});
  ASSERT_NE(v, nullptr);
  const std::string body = kBody;
  const std::string ed = Ed(body), rsa = Rsa(body);
  for (size_t i = 0; i < body.size(); ++i) {
    std::string tampered = body;
    tampered[i] ^= 0x01;
    EXPECT_THAT(v->Verify(ed, "", tampered).status(),
                StatusIs(absl::StatusCode::kUnauthenticated, _))
        << "byte " << i;
    EXPECT_THAT(v->Verify("", rsa, tampered).status(),
                StatusIs(absl::StatusCode::kUnauthenticated, _))
        << "byte " << i;
  }
  // A flipped signature byte, too.
  std::string raw_ed = ed;
  raw_ed[5] = raw_ed[5] == 'A' ? 'B' : 'A';
  EXPECT_THAT(v->Verify(raw_ed, "", body).status(),
              StatusIs(absl::StatusCode::kUnauthenticated, _));
  // A trailing byte added to the body.
  EXPECT_THAT(v->Verify(ed, "", body + "\n").status(),
              StatusIs(absl::StatusCode::kUnauthenticated, _));
}

TEST_F(VerifierTest, WrongKeyIsRejectedButARotatedSecondKeyVerifies) {
  auto wrong = Verifier({other_ed_.public_pem}, {other_rsa_.public_pem});
  ASSERT_NE(wrong, nullptr);
  auto s = wrong->Verify(Ed(kBody), "", kBody);
  EXPECT_THAT(s.status(),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("X-GHL-Signature")));
  EXPECT_THAT(s.status().message(), Not(HasSubstr("private@example.com")));
  EXPECT_THAT(wrong->Verify("", Rsa(kBody), kBody).status(),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("x-wh-signature")));
  // Key rotation: old and new keys both accepted.
  auto both =
      Verifier({other_ed_.public_pem, ed_.public_pem}, {other_rsa_.public_pem, rsa_.public_pem});
  ASSERT_NE(both, nullptr);
  EXPECT_THAT(both->Verify(Ed(kBody), "", kBody).status(), IsOk());
  EXPECT_THAT(both->Verify("", Rsa(kBody), kBody).status(), IsOk());
}

TEST_F(VerifierTest, BadBase64AndEmptyHeadersAreRejected) {
  auto v = Verifier({ed_.public_pem}, {rsa_.public_pem});
  ASSERT_NE(v, nullptr);
  EXPECT_THAT(v->Verify("", "", kBody).status(),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("no X-GHL-Signature")));
  EXPECT_THAT(v->Verify("   ", "", kBody).status(),
              StatusIs(absl::StatusCode::kUnauthenticated, _));
  EXPECT_THAT(v->Verify("not base64 !!", "", kBody).status(),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("not valid base64")));
  EXPECT_THAT(v->Verify("", "%%%", kBody).status(),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("not valid base64")));
  EXPECT_THAT(v->Verify(std::string(5000, 'A'), "", kBody).status(),
              StatusIs(absl::StatusCode::kUnauthenticated, _));
  // Valid base64 of the wrong length is simply not a valid signature.
  EXPECT_THAT(v->Verify("AAAA", "", kBody).status(),
              StatusIs(absl::StatusCode::kUnauthenticated, _));
}

TEST_F(VerifierTest, BadEd25519BesideAGoodRsaIsRejected) {
  auto v = Verifier({ed_.public_pem}, {rsa_.public_pem});
  ASSERT_NE(v, nullptr);
  auto other = WebhookSigner::Create(other_ed_.private_pem, "");
  ASSERT_THAT(other.status(), IsOk());
  EXPECT_THAT(v->Verify(*(*other)->SignEd25519(kBody), Rsa(kBody), kBody).status(),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("X-GHL-Signature")));
  EXPECT_THAT(v->Verify("garbage!", Rsa(kBody), kBody).status(),
              StatusIs(absl::StatusCode::kUnauthenticated, _));
  // A scheme without configured keys verifies nothing.
  auto ed_only = Verifier({ed_.public_pem}, {});
  ASSERT_NE(ed_only, nullptr);
  EXPECT_THAT(ed_only->Verify("", Rsa(kBody), kBody).status(),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("no RSA key")));
}

TEST_F(VerifierTest, KeysParseAsPemOrBase64DerAndBadOnesAreNamed) {
  // The Ed25519 public key as base64 SPKI DER (the PEM body without armour).
  std::string der_b64;
  for (absl::string_view line : absl::StrSplit(ed_.public_pem, '\n')) {
    if (!line.empty() && line[0] != '-') absl::StrAppend(&der_b64, line);
  }
  auto v = Verifier({der_b64}, {});
  ASSERT_NE(v, nullptr);
  EXPECT_THAT(v->Verify(Ed(kBody), "", kBody).status(), IsOk());

  EXPECT_THAT(WebhookVerifier::Create(WebhookKeys{}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no webhook public key")));
  EXPECT_THAT(WebhookVerifier::Create(WebhookKeys{{ed_.public_pem, "bm90IGEga2V5"}, {}}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Ed25519 webhook key #2")));
  // An RSA key given as Ed25519 and the other way round.
  EXPECT_THAT(WebhookVerifier::Create(WebhookKeys{{rsa_.public_pem}, {}}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Ed25519 webhook key #1")));
  EXPECT_THAT(WebhookVerifier::Create(WebhookKeys{{}, {ed_.public_pem}}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("RSA webhook key #1")));
  // A private key is not a public key, and is not echoed.
  auto priv = WebhookVerifier::Create(WebhookKeys{{ed_.private_pem}, {}});
  EXPECT_THAT(priv.status(), StatusIs(absl::StatusCode::kInvalidArgument, _));
  EXPECT_THAT(priv.status().message(), Not(HasSubstr("PRIVATE")));
}

TEST_F(VerifierTest, ReadKeyFileNamesTheFile) {
  const std::string good = ::testing::TempDir() + "/verifier-key.pem";
  { std::ofstream(good) << rsa_.public_pem; }
  auto text = ReadKeyFile(good);
  ASSERT_THAT(text.status(), IsOk());
  EXPECT_EQ(*text, rsa_.public_pem);
  const std::string bad = ::testing::TempDir() + "/verifier-bad.pem";
  { std::ofstream(bad) << "hello\n"; }
  EXPECT_THAT(ReadKeyFile(bad).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(bad)));
  EXPECT_THAT(ReadKeyFile("/no/such/key.pem").status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("/no/such/key.pem")));
}

TEST(GhlProductionKeysTest, LoadAndEqualTheSharedDocs) {
  const WebhookKeys keys = WebhookKeys::GhlProduction();
  ASSERT_EQ(keys.ed25519.size(), 1u);
  ASSERT_EQ(keys.rsa.size(), 1u);
  auto v = WebhookVerifier::Create(keys);
  ASSERT_THAT(v.status(), IsOk());
  // Nothing we sign verifies under GHL's keys.
  auto ours = GenerateEd25519KeyPair();
  auto signer = WebhookSigner::Create(ours->private_pem, "");
  EXPECT_THAT((*v)->Verify(*(*signer)->SignEd25519(kBody), "", kBody).status(),
              StatusIs(absl::StatusCode::kUnauthenticated, _));

  const std::string readme = ReadAll(ghl::testing::SharedDir() + "/ghl-api/README.md");
  ASSERT_FALSE(readme.empty()) << "shared README not found under " << ghl::testing::SharedDir();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(readme, m, std::regex("`(MCow[A-Za-z0-9+/=]+)`")));
  EXPECT_EQ(keys.ed25519[0], m[1].str());

  const std::string guide =
      ReadAll(ghl::testing::SharedDir() + "/ghl-api/docs/oauth/WebhookAuthentication.md");
  const size_t begin = guide.find("-----BEGIN PUBLIC KEY-----");
  const std::string end_marker = "-----END PUBLIC KEY-----";
  const size_t end = guide.find(end_marker);
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  EXPECT_EQ(keys.rsa[0], guide.substr(begin, end + end_marker.size() - begin) + "\n");
}

}  // namespace
}  // namespace ghl::webhooks
