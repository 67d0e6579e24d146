#include "adapters/ghl/auth/api_key_store.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "adapters/ghl/auth/secret_box.h"
#include "adapters/ghl/core/clock.h"

namespace ghl::auth {
namespace {

constexpr char kPrefix[] = "ghlk_";
constexpr size_t kIdBytes = 8;
constexpr size_t kSecretBytes = 32;

absl::Status Unauthenticated() {
  return absl::UnauthenticatedError(
      "the gateway API key is not valid (unknown, revoked or malformed)");
}

std::vector<std::string> SplitList(const std::string& text) {
  return absl::StrSplit(text, ',', absl::SkipEmpty());
}

ApiKeyRecord RowToRecord(const SqliteStatement& s) {
  ApiKeyRecord r;
  r.id = s.ColumnText(0);
  r.name = s.ColumnText(1);
  r.locations = SplitList(s.ColumnText(2));
  r.scopes = SplitList(s.ColumnText(3));
  r.created_at = absl::FromUnixMillis(s.ColumnInt64(4));
  r.revoked = !s.ColumnIsNull(5);
  return r;
}

}  // namespace

bool ApiKeyRecord::HoldsLocation(absl::string_view location_id) const {
  return std::any_of(locations.begin(), locations.end(),
                     [&](const std::string& l) { return l == "*" || l == location_id; });
}

bool ApiKeyRecord::HasScope(absl::string_view scope) const {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

absl::Status ValidateKeyFields(absl::string_view name, const std::vector<std::string>& locations,
                               const std::vector<std::string>& scopes) {
  if (name.empty()) return absl::InvalidArgumentError("name must not be empty");
  if (locations.empty()) {
    return absl::InvalidArgumentError("locations must name at least one location (or *)");
  }
  for (const auto& l : locations) {
    if (l.empty() || absl::StrContains(l, ',')) {
      return absl::InvalidArgumentError(
          absl::StrCat("locations: \"", l, "\" is not a location id"));
    }
  }
  if (scopes.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("scopes must name at least one of ", kReadScope, ", ", kWriteScope));
  }
  for (const auto& s : scopes) {
    if (s != kReadScope && s != kWriteScope) {
      return absl::InvalidArgumentError(absl::StrCat("scopes: unknown scope \"", s, "\" (use ",
                                                     kReadScope, ", ", kWriteScope, ")"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<NewApiKey> SqliteApiKeyStore::Create(absl::string_view name,
                                                    std::vector<std::string> locations,
                                                    std::vector<std::string> scopes) {
  if (auto s = ValidateKeyFields(name, locations, scopes); !s.ok()) return s;
  auto id_bytes = RandomBytes(kIdBytes);
  auto secret_bytes = RandomBytes(kSecretBytes);
  if (!id_bytes.ok()) return id_bytes.status();
  if (!secret_bytes.ok()) return secret_bytes.status();
  NewApiKey out;
  out.record.id = absl::BytesToHexString(*id_bytes);
  out.record.name = std::string(name);
  out.record.locations = std::move(locations);
  out.record.scopes = std::move(scopes);
  out.record.created_at = absl::FromUnixMillis(absl::ToUnixMillis(DefaultClock().Now()));
  const std::string secret = absl::BytesToHexString(*secret_bytes);
  out.key = absl::StrCat(kPrefix, out.record.id, "_", secret);
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto stmt = db_->Prepare(
      "INSERT INTO api_keys (id, name, secret_sha256, locations, scopes, created_at_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!stmt.ok()) return stmt.status();
  SqliteStatement& s = **stmt;
  s.BindText(1, out.record.id);
  s.BindText(2, out.record.name);
  s.BindText(3, Sha256Hex(secret));
  s.BindText(4, absl::StrJoin(out.record.locations, ","));
  s.BindText(5, absl::StrJoin(out.record.scopes, ","));
  s.BindInt64(6, absl::ToUnixMillis(out.record.created_at));
  if (auto done = s.Step(); !done.ok()) return done.status();
  return out;
}

absl::StatusOr<std::vector<ApiKeyRecord>> SqliteApiKeyStore::List() {
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto stmt = db_->Prepare(
      "SELECT id, name, locations, scopes, created_at_ms, revoked_at_ms FROM api_keys "
      "ORDER BY created_at_ms, id");
  if (!stmt.ok()) return stmt.status();
  std::vector<ApiKeyRecord> out;
  for (;;) {
    auto row = (*stmt)->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(RowToRecord(**stmt));
  }
  return out;
}

absl::Status SqliteApiKeyStore::Revoke(absl::string_view id) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto stmt = db_->Prepare(
      "UPDATE api_keys SET revoked_at_ms = ?2 WHERE id = ?1 AND revoked_at_ms IS NULL");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->BindText(1, id);
  (*stmt)->BindInt64(2, absl::ToUnixMillis(DefaultClock().Now()));
  if (auto done = (*stmt)->Step(); !done.ok()) return done.status();
  auto check = db_->Prepare("SELECT revoked_at_ms FROM api_keys WHERE id = ?1");
  if (!check.ok()) return check.status();
  (*check)->BindText(1, id);
  auto row = (*check)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::NotFoundError(absl::StrCat("no API key with id ", id));
  return absl::OkStatus();
}

absl::StatusOr<ApiKeyRecord> SqliteApiKeyStore::Verify(absl::string_view presented) {
  if (!absl::ConsumePrefix(&presented, kPrefix)) return Unauthenticated();
  const size_t sep = presented.find('_');
  if (sep != 2 * kIdBytes || presented.size() != sep + 1 + 2 * kSecretBytes)
    return Unauthenticated();
  const absl::string_view id = presented.substr(0, sep);
  const absl::string_view secret = presented.substr(sep + 1);
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto stmt = db_->Prepare(
      "SELECT id, name, locations, scopes, created_at_ms, revoked_at_ms, secret_sha256 "
      "FROM api_keys WHERE id = ?1");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->BindText(1, id);
  auto row = (*stmt)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Unauthenticated();
  ApiKeyRecord record = RowToRecord(**stmt);
  if (!ConstantTimeEquals(Sha256Hex(secret), (*stmt)->ColumnText(6)) || record.revoked) {
    return Unauthenticated();
  }
  return record;
}

}  // namespace ghl::auth
