// `ghlctl catalog`: what the gateway can do (actions) and what GHL can tell
// it (triggers), read from the gateway's server reflection (client/catalog.h).
#include <google/protobuf/empty.pb.h>

#include "client/catalog.h"
#include "client/ghlctl/groups.h"

namespace ghl::client::ghlctl {
namespace {

constexpr char kCatalogUsage[] = R"(Usage: ghlctl catalog [--json]

Lists what the gateway serves, read from its gRPC server reflection (not a
list kept in ghlctl):
  ACTIONS   every gRPC method that calls a GHL operation: method, unary or
            stream, GHL operationId, HTTP method and path, and the OAuth
            scope the location's token needs ("-": none declared).
  TRIGGERS  every GHL webhook event type: enum value, GHL event name, the
            payload's `type` string, and when GHL sends it.

Flags:
  --json    One JSON document instead of tables:
            {"actions": [{"method", "serverStreaming", "operationId",
            "httpMethod", "path", "scope"}], "triggers": [{"eventType",
            "number", "name", "payloadType", "summary"}]}
)";

absl::StatusOr<google::protobuf::Empty> BuildCatalog(const FlagValues&, std::istream&) {
  return google::protobuf::Empty();
}

int RunCatalog(const google::protobuf::Empty&, const FlagValues& flags, const GroupContext& context) {
  absl::StatusOr<Catalog> catalog = FetchCatalog(context.channel, context.timeout);
  if (!catalog.ok()) return FailWith(context, catalog.status());
  *context.console->out << (flags.Has("json") ? FormatCatalogJson(*catalog) : FormatCatalogTable(*catalog))
                        << std::flush;
  return kExitOk;
}

}  // namespace

CommandGroup MakeCatalogGroup() {
  CommandGroup group;
  group.name = "catalog";
  group.summary = "List every operation (action) and webhook event type (trigger) the gateway serves.";
  group.subcommands.push_back(MakeSubcommand<google::protobuf::Empty>(
      "", group.summary, kCatalogUsage, {{"json", GroupFlagKind::kBool}}, BuildCatalog, RunCatalog));
  return group;
}

}  // namespace ghl::client::ghlctl
