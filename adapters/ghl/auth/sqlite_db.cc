#include "adapters/ghl/auth/sqlite_db.h"

namespace ghl::auth {
namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS credentials (
  key TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  company_id TEXT NOT NULL DEFAULT '',
  user_type TEXT NOT NULL DEFAULT '',
  scope TEXT NOT NULL DEFAULT '',
  expires_at_ms INTEGER,
  reauthorization_reason TEXT NOT NULL DEFAULT '',
  access_sealed BLOB NOT NULL,
  refresh_sealed BLOB NOT NULL,
  updated_at_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  secret_sha256 TEXT NOT NULL,
  locations TEXT NOT NULL,
  scopes TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  revoked_at_ms INTEGER);
CREATE TABLE IF NOT EXISTS oauth_states (state TEXT PRIMARY KEY, created_at_ms INTEGER NOT NULL);
)sql";

}  // namespace

absl::StatusOr<std::shared_ptr<SqliteDb>> SqliteDb::Open(const std::string& path) {
  std::shared_ptr<SqliteDb> out(new SqliteDb());
  if (auto s = out->OpenFile(path, kSchema, "state file"); !s.ok()) return s;
  return out;
}

}  // namespace ghl::auth
