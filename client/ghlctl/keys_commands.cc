// `ghlctl keys create|list|revoke`: the gateway's caller API keys, kept in
// its state file (adapters/ghl/auth/api_key_store.h). These commands open the
// file directly (an operator on the gateway's host), not the gateway's port:
// the keys are what guards that port. `create` prints the key once, on
// stdout, and nothing else there.
//
// `ghlctl auth`: prints the GHL authorization URL of the app (client id,
// redirect URI, scopes) to open in a browser; GHL then redirects to the
// gateway's /oauth/callback, which stores the location's tokens.
#include <google/protobuf/empty.pb.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "adapters/ghl/auth/api_key_store.h"
#include "adapters/ghl/auth/oauth_state_store.h"
#include "adapters/ghl/auth/sqlite_db.h"
#include "adapters/ghl/http/http_transport.h"
#include "client/ghlctl/groups.h"

namespace ghl::client::ghlctl {
namespace {

using google::protobuf::Empty;

constexpr char kCreateUsage[] =
    R"(Usage: ghlctl keys create --name NAME --location ID... --scope SCOPE... [--state FILE]

Creates a gateway API key and prints it once on stdout (keep it: only its
hash is stored). Callers send it as gRPC metadata `authorization: Bearer KEY`
(ghlctl and the client library read it from $GHL_API_KEY).

Flags:
  --name NAME       what the key is for (shown by list)
  --location ID     a location the key may use; repeat or comma-separate; * for all
  --scope SCOPE     contacts.readonly and/or contacts.write; repeat or comma-separate
  --state FILE      the gateway's state file (default: $GHL_STATE_FILE)
)";

constexpr char kListUsage[] = R"(Usage: ghlctl keys list [--state FILE]

Lists the API keys of the state file: id, name, locations, scopes, creation
time and whether revoked. Never shows a key.

Flags:
  --state FILE      the gateway's state file (default: $GHL_STATE_FILE)
)";

constexpr char kRevokeUsage[] = R"(Usage: ghlctl keys revoke --id ID [--state FILE]

Revokes a key: the gateway refuses it (UNAUTHENTICATED) from its next call.

Flags:
  --id ID           the key's id (from list; the part after ghlk_)
  --state FILE      the gateway's state file (default: $GHL_STATE_FILE)
)";

constexpr char kAuthUsage[] =
    R"(Usage: ghlctl auth --client-id ID --redirect-uri URI [--state FILE] [--scope SCOPES] [--authorize-url URL] [--location ID]

Prints the GHL authorization URL of the app. Open it in a browser, pick the
location (or agency) and approve; GHL redirects to URI (the gateway's
--http-listen address + /oauth/callback), and the gateway exchanges the code
and stores the tokens. Run the gateway with the same --oauth-client-id and
--oauth-redirect-uri. With the gateway's state file, the URL carries a
one-time `state` (valid 15 minutes) that the callback requires: a gateway
with a state file refuses callbacks without one.

Flags:
  --client-id ID       the app's client id (default: $GHL_OAUTH_CLIENT_ID)
  --redirect-uri URI   the app's redirect URI (default: $GHL_OAUTH_REDIRECT_URI)
  --scope SCOPES       space-separated (default: contacts.readonly contacts.write)
  --authorize-url URL  the authorization page (default: $GHL_OAUTH_AUTHORIZE_URL, else
                       https://marketplace.gohighlevel.com/v2/oauth/chooselocation)
  --location ID        preselect a location (ghl-sandbox honours it)
  --state FILE         the gateway's state file (default: $GHL_STATE_FILE)
)";

std::vector<std::string> ListValues(const FlagValues& flags, absl::string_view name) {
  std::vector<std::string> out;
  for (const std::string& v : flags.GetAll(name)) {
    for (absl::string_view part : absl::StrSplit(v, ',', absl::SkipWhitespace())) {
      out.emplace_back(absl::StripAsciiWhitespace(part));
    }
  }
  return out;
}

std::string FromFlagOrEnv(const FlagValues& flags, const char* flag, const char* env,
                          const RunOptions& options) {
  if (auto v = flags.Get(flag)) return *v;
  if (options.env) {
    if (auto v = options.env(env)) return *v;
  }
  return {};
}

absl::StatusOr<std::shared_ptr<auth::SqliteApiKeyStore>> OpenKeys(const FlagValues& flags,
                                                                  const GroupContext& context) {
  const std::string path = FromFlagOrEnv(flags, "state", "GHL_STATE_FILE", *context.options);
  if (path.empty()) {
    return absl::InvalidArgumentError(
        "--state: give the gateway's state file (or set GHL_STATE_FILE)");
  }
  auto db = auth::SqliteDb::Open(path);
  if (!db.ok()) return db.status();
  return std::make_shared<auth::SqliteApiKeyStore>(*std::move(db));
}

absl::StatusOr<Empty> BuildCreate(const FlagValues& flags, std::istream&) {
  if (auto s = auth::ValidateKeyFields(flags.GetOr("name"), ListValues(flags, "location"),
                                       ListValues(flags, "scope"));
      !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--", s.message()));
  }
  return Empty();
}

int RunCreate(const Empty&, const FlagValues& flags, const GroupContext& context) {
  auto keys = OpenKeys(flags, context);
  if (!keys.ok()) return FailWith(context, keys.status(), kExitUsage);
  auto created = (*keys)->Create(flags.GetOr("name"), ListValues(flags, "location"),
                                 ListValues(flags, "scope"));
  if (!created.ok()) return FailWith(context, created.status());
  *context.console->out << created->key << "\n" << std::flush;
  *context.console->err << "created API key " << created->record.id << " (" << created->record.name
                        << "): locations " << absl::StrJoin(created->record.locations, ",")
                        << ", scopes " << absl::StrJoin(created->record.scopes, ",")
                        << ". It is shown only this once.\n";
  return kExitOk;
}

absl::StatusOr<Empty> BuildNothing(const FlagValues&, std::istream&) { return Empty(); }

int RunList(const Empty&, const FlagValues& flags, const GroupContext& context) {
  auto keys = OpenKeys(flags, context);
  if (!keys.ok()) return FailWith(context, keys.status(), kExitUsage);
  auto list = (*keys)->List();
  if (!list.ok()) return FailWith(context, list.status());
  std::ostream& out = *context.console->out;
  out << "ID\tNAME\tLOCATIONS\tSCOPES\tCREATED\tSTATUS\n";
  for (const auto& k : *list) {
    out << k.id << "\t" << k.name << "\t" << absl::StrJoin(k.locations, ",") << "\t"
        << absl::StrJoin(k.scopes, ",") << "\t"
        << absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", k.created_at, absl::UTCTimeZone()) << "\t"
        << (k.revoked ? "revoked" : "active") << "\n";
  }
  out << std::flush;
  return kExitOk;
}

int RunRevoke(const Empty&, const FlagValues& flags, const GroupContext& context) {
  auto keys = OpenKeys(flags, context);
  if (!keys.ok()) return FailWith(context, keys.status(), kExitUsage);
  if (auto s = (*keys)->Revoke(flags.GetOr("id")); !s.ok()) return FailWith(context, s);
  *context.console->err << "revoked API key " << flags.GetOr("id") << "\n";
  return kExitOk;
}

absl::StatusOr<Empty> BuildAuth(const FlagValues& flags, std::istream&) {
  if (flags.Has("scope") && flags.GetOr("scope").empty()) {
    return absl::InvalidArgumentError("--scope must not be empty");
  }
  return Empty();
}

int RunAuth(const Empty&, const FlagValues& flags, const GroupContext& context) {
  const RunOptions& options = *context.options;
  const std::string client_id = FromFlagOrEnv(flags, "client-id", "GHL_OAUTH_CLIENT_ID", options);
  const std::string redirect =
      FromFlagOrEnv(flags, "redirect-uri", "GHL_OAUTH_REDIRECT_URI", options);
  std::string base = FromFlagOrEnv(flags, "authorize-url", "GHL_OAUTH_AUTHORIZE_URL", options);
  if (base.empty()) base = "https://marketplace.gohighlevel.com/v2/oauth/chooselocation";
  if (client_id.empty()) {
    return FailWith(context,
                    absl::InvalidArgumentError("--client-id (or GHL_OAUTH_CLIENT_ID) is required"),
                    kExitUsage);
  }
  if (redirect.empty()) {
    return FailWith(
        context,
        absl::InvalidArgumentError("--redirect-uri (or GHL_OAUTH_REDIRECT_URI) is required"),
        kExitUsage);
  }
  const std::string scope = flags.GetOr("scope", "contacts.readonly contacts.write");
  std::string url =
      absl::StrCat(base, base.find('?') == std::string::npos ? "?" : "&",
                   "response_type=code&redirect_uri=", http::UrlEncode(redirect),
                   "&client_id=", http::UrlEncode(client_id), "&scope=", http::UrlEncode(scope));
  if (auto location = flags.Get("location")) {
    absl::StrAppend(&url, "&locationId=", http::UrlEncode(*location));
  }
  const std::string state_file = FromFlagOrEnv(flags, "state", "GHL_STATE_FILE", options);
  if (!state_file.empty()) {
    auto db = auth::SqliteDb::Open(state_file);
    if (!db.ok()) return FailWith(context, db.status(), kExitUsage);
    auto state = auth::OAuthStateStore(*db).Issue(absl::Now());
    if (!state.ok()) return FailWith(context, state.status());
    absl::StrAppend(&url, "&state=", *state);
  } else {
    *context.console->err << "note: no --state FILE: the URL has no state, which a gateway with "
                             "a state file refuses.\n";
  }
  *context.console->out << url << "\n" << std::flush;
  *context.console->err << "Open this URL, approve the app; GHL redirects to " << redirect
                        << " and the gateway stores the location's tokens.\n";
  return kExitOk;
}

}  // namespace

CommandGroup MakeKeysGroup() {
  CommandGroup group;
  group.name = "keys";
  group.summary = "Create, list and revoke the gateway's caller API keys (in its state file).";
  group.usage =
      "Usage: ghlctl keys <command> [flags]\n\nThe gateway's caller API keys, stored hashed in its "
      "state file.\n";
  group.subcommands.push_back(MakeSubcommand<Empty>(
      "create", "Create a key bound to locations and scopes; prints it once.", kCreateUsage,
      {{"name", GroupFlagKind::kValue, true},
       {"location", GroupFlagKind::kRepeated, true},
       {"scope", GroupFlagKind::kRepeated, true},
       {"state", GroupFlagKind::kValue}},
      BuildCreate, RunCreate));
  group.subcommands.push_back(MakeSubcommand<Empty>("list", "List keys (never their values).",
                                                    kListUsage, {{"state", GroupFlagKind::kValue}},
                                                    BuildNothing, RunList));
  group.subcommands.push_back(
      MakeSubcommand<Empty>("revoke", "Revoke a key by id.", kRevokeUsage,
                            {{"id", GroupFlagKind::kValue, true}, {"state", GroupFlagKind::kValue}},
                            BuildNothing, RunRevoke));
  return group;
}

CommandGroup MakeAuthGroup() {
  CommandGroup group;
  group.name = "auth";
  group.summary = "Print the GHL authorization URL that connects a location through OAuth.";
  group.subcommands.push_back(MakeSubcommand<Empty>("", group.summary, kAuthUsage,
                                                    {{"client-id", GroupFlagKind::kValue},
                                                     {"redirect-uri", GroupFlagKind::kValue},
                                                     {"scope", GroupFlagKind::kValue},
                                                     {"authorize-url", GroupFlagKind::kValue},
                                                     {"location", GroupFlagKind::kValue},
                                                     {"state", GroupFlagKind::kValue}},
                                                    BuildAuth, RunAuth));
  return group;
}

}  // namespace ghl::client::ghlctl
