// The durable state: SecretBox (AES-256-GCM), the SQLite token store (secrets
// sealed at rest, mode 0600, key check, durable rotation across reopen) and
// the API key store (hashed keys, scopes, revocation).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "adapters/ghl/auth/api_key_store.h"
#include "adapters/ghl/auth/oauth_state_store.h"
#include "adapters/ghl/auth/secret_box.h"
#include "adapters/ghl/auth/sqlite_db.h"
#include "adapters/ghl/auth/sqlite_token_store.h"
#include "tests/support/status_matchers.h"

namespace ghl::auth {
namespace {

using ::ghl::testing::IsOk;
using ::ghl::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kKeyA[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
constexpr char kKeyB[] = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

std::string TempPath(const std::string& name) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::remove(path.c_str());
  std::remove((path + "-wal").c_str());
  std::remove((path + "-shm").c_str());
  return path;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

TEST(SecretBoxTest, SealsAndOpensBoundToItsAad) {
  auto box = SecretBox::FromKeyText(kKeyA, "test key");
  ASSERT_THAT(box, IsOk());
  auto sealed = box->Seal("secret-value", "row-1");
  ASSERT_THAT(sealed, IsOk());
  EXPECT_THAT(*sealed, Not(HasSubstr("secret-value")));
  EXPECT_EQ(*box->Open(*sealed, "row-1"), "secret-value");
  EXPECT_THAT(box->Open(*sealed, "row-2"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("does not open")));
  std::string tampered = *sealed;
  tampered[14] ^= 1;
  EXPECT_THAT(box->Open(tampered, "row-1"), StatusIs(absl::StatusCode::kDataLoss, ::testing::_));
  auto other = SecretBox::FromKeyText(kKeyB, "other");
  EXPECT_THAT(other->Open(*sealed, "row-1"), StatusIs(absl::StatusCode::kDataLoss, ::testing::_));
  // Nonces differ: the same value seals differently.
  EXPECT_NE(*box->Seal("secret-value", "row-1"), *sealed);
}

TEST(SecretBoxTest, KeyTextErrorsNameTheSourceNotTheKey) {
  EXPECT_THAT(SecretBox::FromKeyText("", "GHL_STATE_KEY"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("GHL_STATE_KEY is empty")));
  auto bad = SecretBox::FromKeyText("not-a-key-abc123", "GHL_STATE_KEY");
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a 32-byte key")));
  EXPECT_THAT(std::string(bad.status().message()), Not(HasSubstr("not-a-key-abc123")));
  // base64 of 32 bytes works too.
  EXPECT_THAT(SecretBox::FromKeyText("ABEiM0RVZneImaq7zN3u/wARIjNEVWZ3iJmqu8zd7v8=", "b64"),
              IsOk());
  EXPECT_THAT(SecretBox::FromKeyFile("/nonexistent/key"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("/nonexistent/key")));
  EXPECT_THAT(LoadStateKey("", ""),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("--state-key-file")));
}

Credential Sample() {
  Credential c;
  c.key = "LOC1";
  c.kind = CredentialKind::kOAuth;
  c.access_token = "access-token-plaintext-77";
  c.refresh_token = "refresh-token-plaintext-88";
  c.expires_at = absl::FromUnixMillis(1700000123456);
  c.scope = "contacts.readonly";
  c.user_type = "Location";
  c.company_id = "CO1";
  return c;
}

TEST(SqliteTokenStoreTest, RoundTripsAndKeepsSecretsSealedOnDisk) {
  const std::string path = TempPath("tokens-roundtrip.db");
  {
    auto db = SqliteDb::Open(path);
    ASSERT_THAT(db, IsOk());
    auto store = SqliteTokenStore::Open(*db, *SecretBox::FromKeyText(kKeyA, "k"));
    ASSERT_THAT(store, IsOk());
    ASSERT_THAT((*store)->Save(Sample()), IsOk());
    Credential pit;
    pit.key = "LOC2";
    pit.access_token = "pit-plaintext-99";
    ASSERT_THAT((*store)->Save(pit), IsOk());
  }
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string bytes = ReadAll(path) + ReadAll(path + "-wal");
  for (const char* secret :
       {"access-token-plaintext-77", "refresh-token-plaintext-88", "pit-plaintext-99"}) {
    EXPECT_THAT(bytes, Not(HasSubstr(secret)));
  }
  auto db = SqliteDb::Open(path);
  auto store = SqliteTokenStore::Open(*db, *SecretBox::FromKeyText(kKeyA, "k"));
  ASSERT_THAT(store, IsOk());
  auto all = (*store)->LoadAll();
  ASSERT_THAT(all, IsOk());
  ASSERT_EQ(all->size(), 2u);
  const Credential& c = (*all)[0];
  EXPECT_EQ(c.key, "LOC1");
  EXPECT_EQ(c.kind, CredentialKind::kOAuth);
  EXPECT_EQ(c.access_token, "access-token-plaintext-77");
  EXPECT_EQ(c.refresh_token, "refresh-token-plaintext-88");
  EXPECT_EQ(c.expires_at, Sample().expires_at);
  EXPECT_EQ(c.company_id, "CO1");
  EXPECT_EQ((*all)[1].kind, CredentialKind::kPrivateIntegration);
  EXPECT_EQ((*all)[1].expires_at, absl::InfiniteFuture());
  // Replace = rotation; remove.
  Credential rotated = Sample();
  rotated.refresh_token = "refresh-rotated";
  ASSERT_THAT((*store)->Save(rotated), IsOk());
  ASSERT_THAT((*store)->Remove("LOC2"), IsOk());
  all = (*store)->LoadAll();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].refresh_token, "refresh-rotated");
}

TEST(SqliteTokenStoreTest, AWrongKeyIsRefusedClearly) {
  const std::string path = TempPath("tokens-wrongkey.db");
  {
    auto db = SqliteDb::Open(path);
    ASSERT_THAT(SqliteTokenStore::Open(*db, *SecretBox::FromKeyText(kKeyA, "k")), IsOk());
  }
  auto db = SqliteDb::Open(path);
  EXPECT_THAT(
      SqliteTokenStore::Open(*db, *SecretBox::FromKeyText(kKeyB, "k")),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("does not open the state file")));
}

TEST(SqliteTokenStoreTest, ANonDatabaseFileIsReported) {
  const std::string path = TempPath("not-a-db.db");
  {
    std::ofstream out(path);
    out << "this is not sqlite, just text that is long enough to be a header............";
  }
  auto db = SqliteDb::Open(path);
  EXPECT_THAT(db, StatusIs(absl::StatusCode::kUnavailable, HasSubstr(path)));
}

TEST(SqliteDbTest, NarrowsAWorldReadableFile) {
  const std::string path = TempPath("loose-mode.db");
  { std::ofstream out(path); }
  ::chmod(path.c_str(), 0644);
  ASSERT_THAT(SqliteDb::Open(path), IsOk());
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(ApiKeyStoreTest, CreateVerifyListRevoke) {
  auto db = SqliteDb::Open(TempPath("keys.db"));
  ASSERT_THAT(db, IsOk());
  SqliteApiKeyStore keys(*db);
  auto created = keys.Create("exporter", {"LOC1", "LOC2"}, {kReadScope});
  ASSERT_THAT(created, IsOk());
  EXPECT_THAT(created->key, ::testing::StartsWith("ghlk_" + created->record.id + "_"));
  auto verified = keys.Verify(created->key);
  ASSERT_THAT(verified, IsOk());
  EXPECT_TRUE(verified->HoldsLocation("LOC2"));
  EXPECT_FALSE(verified->HoldsLocation("LOC3"));
  EXPECT_TRUE(verified->HasScope(kReadScope));
  EXPECT_FALSE(verified->HasScope(kWriteScope));
  // The stored row has only a hash.
  const std::string secret = created->key.substr(created->key.rfind('_') + 1);
  EXPECT_THAT(ReadAll((*db)->path()) + ReadAll((*db)->path() + "-wal"), Not(HasSubstr(secret)));
  // A wrong secret with the right id, garbage, and a revoked key are all the same answer.
  std::string wrong = created->key;
  wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
  EXPECT_THAT(keys.Verify(wrong),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("not valid")));
  EXPECT_THAT(keys.Verify("garbage"),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("not valid")));
  auto list = keys.List();
  ASSERT_THAT(list, IsOk());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name, "exporter");
  EXPECT_FALSE((*list)[0].revoked);
  ASSERT_THAT(keys.Revoke(created->record.id), IsOk());
  EXPECT_THAT(keys.Verify(created->key),
              StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_));
  EXPECT_TRUE((*keys.List())[0].revoked);
  EXPECT_THAT(keys.Revoke("0000000000000000"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("0000000000000000")));
}

TEST(ApiKeyStoreTest, BadFieldsNameTheField) {
  auto db = SqliteDb::Open(TempPath("keys-bad.db"));
  SqliteApiKeyStore keys(*db);
  EXPECT_THAT(keys.Create("", {"L"}, {kReadScope}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")));
  EXPECT_THAT(keys.Create("n", {}, {kReadScope}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("locations")));
  EXPECT_THAT(keys.Create("n", {"L"}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("scopes")));
  EXPECT_THAT(
      keys.Create("n", {"L"}, {"contacts.admin"}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown scope \"contacts.admin\"")));
  auto all = keys.Create("all", {"*"}, {kReadScope, kWriteScope});
  ASSERT_THAT(all, IsOk());
  EXPECT_TRUE(all->record.HoldsLocation("ANY"));
}

TEST(OAuthStateStoreTest, SingleUseAndExpiring) {
  auto db = SqliteDb::Open(TempPath("states.db"));
  ASSERT_THAT(db, IsOk());
  OAuthStateStore states(*db);
  const absl::Time t0 = absl::FromUnixSeconds(1750000000);
  auto a = states.Issue(t0);
  auto b = states.Issue(t0);
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->size(), 32u);
  EXPECT_NE(*a, *b);
  EXPECT_THAT(states.Consume(*a, t0 + absl::Minutes(1)), IsOk());
  EXPECT_THAT(states.Consume(*a, t0 + absl::Minutes(1)),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("state")));
  EXPECT_THAT(states.Consume(*b, t0 + absl::Minutes(16)),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("expired")));
  EXPECT_THAT(states.Consume("", t0), StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
}

}  // namespace
}  // namespace ghl::auth

#include "adapters/ghl/auth/credentials_file.h"

namespace ghl::auth {
namespace {

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(CredentialsFileTest, ReadsLocationAndCompanyEntries) {
  auto creds = LoadCredentialsFile(WriteFile("creds-ok.json", R"([
    {"locationId": "LOC1", "refreshToken": "rt-file-1"},
    {"locationId": "LOC2", "refreshToken": "rt-file-2", "accessToken": "at-2",
     "expiresAt": "2030-01-02T03:04:05Z"},
    {"userType": "Company", "companyId": "CO1", "refreshToken": "rt-co"}])"));
  ASSERT_THAT(creds, IsOk());
  ASSERT_EQ(creds->size(), 3u);
  EXPECT_EQ((*creds)[0].key, "LOC1");
  EXPECT_EQ((*creds)[0].kind, CredentialKind::kOAuth);
  EXPECT_EQ((*creds)[0].expires_at, absl::InfinitePast());
  EXPECT_EQ((*creds)[1].expires_at, absl::FromUnixSeconds(1893553445));
  EXPECT_EQ((*creds)[2].key, CompanyKey("CO1"));
  EXPECT_EQ((*creds)[2].user_type, "Company");
}

TEST(CredentialsFileTest, ErrorsNameEntryAndMemberNotValues) {
  auto check = [](const std::string& text, const std::string& expected) {
    auto r = LoadCredentialsFile(WriteFile("creds-bad.json", text));
    EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(expected))) << text;
    EXPECT_THAT(std::string(r.status().message()), Not(HasSubstr("secret-rt")));
  };
  check(R"([{"locationId": "L"}])", "entry #0 has no refreshToken");
  check(R"([{"refreshToken": "secret-rt"}])", "entry #0 has no locationId");
  check(R"([{"locationId": "L", "refreshToken": 5}])", "refreshToken must be a string");
  check(R"([{"locationId": "L", "refreshToken": "secret-rt", "userType": "Agency"}])", "userType");
  check(R"([{"userType": "Company", "refreshToken": "secret-rt"}])", "has no companyId");
  check(R"([{"locationId": "L", "refreshToken": "secret-rt", "accessToken": "a", "expiresAt": "soon"}])",
        "expiresAt is not an RFC 3339 time");
  check(R"([{"locationId": "L", "refreshToken": "secret-rt"}, {"locationId": "L", "refreshToken": "x"}])",
        "entry #1 repeats L");
  check(R"({"locationId": "L"})", "expected a JSON array");
  check(R"([{"locationId": "L", "refreshToken": "secret-rt")", "invalid JSON at offset");
  EXPECT_THAT(LoadCredentialsFile("/nonexistent/creds.json"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("/nonexistent/creds.json")));
}

}  // namespace
}  // namespace ghl::auth
