#include "adapters/ghl/auth/sqlite_token_store.h"

#include "absl/strings/str_cat.h"

namespace ghl::auth {
namespace {

constexpr char kKeyCheckName[] = "key_check";
constexpr char kKeyCheckText[] = "ghl-gateway state key check v1";

std::string Aad(absl::string_view key, absl::string_view column) {
  return absl::StrCat("credentials/", key, "/", column);
}

}  // namespace

absl::StatusOr<SecretBox> LoadStateKey(const std::string& key_file, const std::string& env_key) {
  if (!key_file.empty()) return SecretBox::FromKeyFile(key_file);
  if (!env_key.empty()) return SecretBox::FromKeyText(env_key, "GHL_STATE_KEY");
  return absl::FailedPreconditionError(
      "the state file needs an encryption key: pass --state-key-file FILE or set GHL_STATE_KEY "
      "(32 random bytes as 64 hex digits, e.g. `openssl rand -hex 32`)");
}

absl::StatusOr<std::shared_ptr<SqliteTokenStore>> SqliteTokenStore::Open(
    std::shared_ptr<SqliteDb> db, SecretBox box) {
  std::lock_guard<std::mutex> lock(db->mutex());
  auto select = db->Prepare("SELECT value FROM meta WHERE name = ?1");
  if (!select.ok()) return select.status();
  (*select)->BindText(1, kKeyCheckName);
  auto row = (*select)->Step();
  if (!row.ok()) return row.status();
  if (*row) {
    auto opened = box.Open((*select)->ColumnText(0), kKeyCheckName);
    if (!opened.ok() || *opened != kKeyCheckText) {
      return absl::FailedPreconditionError(
          absl::StrCat("the state key does not open the state file ", db->path(),
                       " (it was created with another key; use that key or a new file)"));
    }
  } else {
    auto sealed = box.Seal(kKeyCheckText, kKeyCheckName);
    if (!sealed.ok()) return sealed.status();
    auto insert = db->Prepare("INSERT INTO meta (name, value) VALUES (?1, ?2)");
    if (!insert.ok()) return insert.status();
    (*insert)->BindText(1, kKeyCheckName);
    (*insert)->BindBlob(2, *sealed);
    if (auto s = (*insert)->Step(); !s.ok()) return s.status();
  }
  return std::shared_ptr<SqliteTokenStore>(new SqliteTokenStore(std::move(db), std::move(box)));
}

absl::StatusOr<std::vector<Credential>> SqliteTokenStore::LoadAll() {
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto stmt = db_->Prepare(
      "SELECT key, kind, company_id, user_type, scope, expires_at_ms, reauthorization_reason, "
      "access_sealed, refresh_sealed FROM credentials ORDER BY key");
  if (!stmt.ok()) return stmt.status();
  std::vector<Credential> out;
  for (;;) {
    auto row = (*stmt)->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    SqliteStatement& s = **stmt;
    Credential c;
    c.key = s.ColumnText(0);
    auto kind = ParseKind(s.ColumnText(1));
    if (!kind.ok()) {
      return absl::DataLossError(absl::StrCat("state file ", db_->path(), ": credential of ", c.key,
                                              ": ", kind.status().message()));
    }
    c.kind = *kind;
    c.company_id = s.ColumnText(2);
    c.user_type = s.ColumnText(3);
    c.scope = s.ColumnText(4);
    c.expires_at =
        s.ColumnIsNull(5) ? absl::InfiniteFuture() : absl::FromUnixMillis(s.ColumnInt64(5));
    c.reauthorization_reason = s.ColumnText(6);
    auto access = box_.Open(s.ColumnText(7), Aad(c.key, "access"));
    auto refresh = box_.Open(s.ColumnText(8), Aad(c.key, "refresh"));
    if (!access.ok() || !refresh.ok()) {
      return absl::DataLossError(absl::StrCat("state file ", db_->path(), ": the tokens of ", c.key,
                                              " do not decrypt (tampered or moved row)"));
    }
    c.access_token = *std::move(access);
    c.refresh_token = *std::move(refresh);
    out.push_back(std::move(c));
  }
  return out;
}

absl::Status SqliteTokenStore::Save(const Credential& c) {
  auto access = box_.Seal(c.access_token, Aad(c.key, "access"));
  if (!access.ok()) return access.status();
  auto refresh = box_.Seal(c.refresh_token, Aad(c.key, "refresh"));
  if (!refresh.ok()) return refresh.status();
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto stmt = db_->Prepare(
      "INSERT OR REPLACE INTO credentials (key, kind, company_id, user_type, scope, expires_at_ms, "
      "reauthorization_reason, access_sealed, refresh_sealed, updated_at_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, CAST(strftime('%s','now') AS INTEGER) * 1000)");
  if (!stmt.ok()) return stmt.status();
  SqliteStatement& s = **stmt;
  s.BindText(1, c.key);
  s.BindText(2, KindName(c.kind));
  s.BindText(3, c.company_id);
  s.BindText(4, c.user_type);
  s.BindText(5, c.scope);
  if (c.expires_at == absl::InfiniteFuture()) {
    s.BindNull(6);
  } else if (c.expires_at == absl::InfinitePast()) {
    s.BindInt64(6, 0);
  } else {
    s.BindInt64(6, absl::ToUnixMillis(c.expires_at));
  }
  s.BindText(7, c.reauthorization_reason);
  s.BindBlob(8, *access);
  s.BindBlob(9, *refresh);
  auto done = s.Step();
  return done.ok() ? absl::OkStatus() : done.status();
}

absl::Status SqliteTokenStore::Remove(absl::string_view key) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto stmt = db_->Prepare("DELETE FROM credentials WHERE key = ?1");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->BindText(1, key);
  auto done = (*stmt)->Step();
  return done.ok() ? absl::OkStatus() : done.status();
}

}  // namespace ghl::auth
