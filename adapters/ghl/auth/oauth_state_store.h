// OAuthStateStore: the OAuth `state` values of authorizations in progress,
// the callback's CSRF protection. `ghlctl auth` issues one into the state
// file and puts it in the authorization URL; GHL hands it back on the
// redirect; the gateway's /oauth/callback consumes it (once, within
// kStateLifetime) before exchanging the code. A callback with a missing,
// unknown, used or expired state is refused, so nobody can make the gateway
// store tokens of a location they chose by sending it a crafted link.
//
// Thread-safety: safe for concurrent use (serialised on the db's mutex).
#ifndef GHL_ADAPTERS_GHL_AUTH_OAUTH_STATE_STORE_H_
#define GHL_ADAPTERS_GHL_AUTH_OAUTH_STATE_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "adapters/ghl/auth/sqlite_db.h"

namespace ghl::auth {

class OAuthStateStore {
 public:
  static constexpr absl::Duration kStateLifetime = absl::Minutes(15);

  explicit OAuthStateStore(std::shared_ptr<SqliteDb> db) : db_(std::move(db)) {}
  /// A new state value (32 hex digits), valid for kStateLifetime.
  absl::StatusOr<std::string> Issue(absl::Time now);
  /// Uses up `state`. @return PERMISSION_DENIED when it is empty, unknown,
  ///         already used or expired.
  absl::Status Consume(absl::string_view state, absl::Time now);

 private:
  std::shared_ptr<SqliteDb> db_;
};

}  // namespace ghl::auth

#endif  // GHL_ADAPTERS_GHL_AUTH_OAUTH_STATE_STORE_H_
