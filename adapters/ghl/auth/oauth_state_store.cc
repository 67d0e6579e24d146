#include "adapters/ghl/auth/oauth_state_store.h"

#include "absl/strings/escaping.h"
#include "adapters/ghl/auth/secret_box.h"

namespace ghl::auth {
namespace {

absl::Status Refused() {
  return absl::PermissionDeniedError(
      "the callback's state is missing, unknown, used or expired: start again with ghlctl auth");
}

}  // namespace

absl::StatusOr<std::string> OAuthStateStore::Issue(absl::Time now) {
  auto bytes = RandomBytes(16);
  if (!bytes.ok()) return bytes.status();
  const std::string state = absl::BytesToHexString(*bytes);
  std::lock_guard<std::mutex> lock(db_->mutex());
  // Old, never-used states go first.
  auto prune = db_->Prepare("DELETE FROM oauth_states WHERE created_at_ms < ?1");
  if (!prune.ok()) return prune.status();
  (*prune)->BindInt64(1, absl::ToUnixMillis(now - kStateLifetime));
  if (auto s = (*prune)->Step(); !s.ok()) return s.status();
  auto insert = db_->Prepare("INSERT INTO oauth_states (state, created_at_ms) VALUES (?1, ?2)");
  if (!insert.ok()) return insert.status();
  (*insert)->BindText(1, state);
  (*insert)->BindInt64(2, absl::ToUnixMillis(now));
  if (auto s = (*insert)->Step(); !s.ok()) return s.status();
  return state;
}

absl::Status OAuthStateStore::Consume(absl::string_view state, absl::Time now) {
  if (state.empty()) return Refused();
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto select = db_->Prepare("SELECT created_at_ms FROM oauth_states WHERE state = ?1");
  if (!select.ok()) return select.status();
  (*select)->BindText(1, state);
  auto row = (*select)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Refused();
  const absl::Time created = absl::FromUnixMillis((*select)->ColumnInt64(0));
  auto remove = db_->Prepare("DELETE FROM oauth_states WHERE state = ?1");
  if (!remove.ok()) return remove.status();
  (*remove)->BindText(1, state);
  if (auto s = (*remove)->Step(); !s.ok()) return s.status();
  if (now - created > kStateLifetime || created > now + absl::Minutes(1)) return Refused();
  return absl::OkStatus();
}

}  // namespace ghl::auth
