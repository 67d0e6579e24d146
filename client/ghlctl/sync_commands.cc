// `ghlctl sync`: keeps a Rankr sink (JSONL file or SQLite table) equal to a
// location's contacts through a field mapping (client/contact_sync.h):
// an initial full sync, then incremental runs, once or on a schedule.
#include <google/protobuf/empty.pb.h>

#include <atomic>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/contact_sync.h"
#include "client/field_mapping.h"
#include "client/ghlctl/group_util.h"
#include "client/rankr_sink.h"
#include "ghl/contacts/v1/events_service.grpc.pb.h"

namespace ghl::client::ghlctl {
namespace {

using google::protobuf::Empty;
namespace v1 = ::ghl::contacts::v1;

constexpr char kSyncUsage[] = R"(Usage: ghlctl sync --location L --mapping FILE --sink jsonl:PATH|sqlite:PATH
                   --state FILE [--every DURATION | --once] [--overlap DURATION]
                   [--page-size N] [--batch-pages N] [--page-delay DURATION]

Keeps Rankr's copy of a location's contacts: every contact mapped through
the mapping file (README "Sync") into the sink, keyed by GHL contact id.
The first run is a full sync (resumable: a killed run continues after its
last committed batch); later runs are incremental: contacts whose
dateUpdated is at or after the last run's start (less --overlap), plus the
gateway's event log (deletions; creates and updates the search index has
not caught up with). A gateway without an event log: each incremental run
compares the full id listing with the sink instead. The state file is
replaced only after the sink holds the data.

Sinks:
  jsonl:PATH     one record per line (ghl_id, updated_at, mapped fields),
                 sorted by id, rewritten atomically at each commit.
  sqlite:PATH    table rankr_contacts: ghl_id primary key, updated_at,
                 record (the JSON line), one column per mapped field.
Deleted contacts are removed (line or row).

Flags:
  --location L         GHL location id. Required.
  --mapping FILE       Field mapping file. Required.
  --sink SPEC          jsonl:PATH or sqlite:PATH. Required.
  --state FILE         The sync's cursor (JSON, replaced atomically). Required.
  --once               One run, then exit (the default without --every).
  --every DURATION     Run, then again every DURATION (e.g. 15m, 1h) until
                       SIGINT/SIGTERM, which stop it between pages.
  --overlap DURATION   Re-read window before the cursor (default 30s).
  --page-size N        Contacts per page, 1-500 (default 100).
  --batch-pages N      Initial sync: commit every N pages (default 10).
  --page-delay D       Pause after every page (default 0).

Each run prints one summary line, e.g.
  initial sync: 5000 upserted (5000 new, 0 changed), 0 deleted, 0 unchanged, 0 warnings in 1.93 s
Exit: 0 when the run (or the schedule, stopped by a signal between runs)
succeeded, 1 a gateway, sink or state file error, 2 a usage or mapping file
error, 3 the sink cannot be opened, 130 stopped by a signal during a run.
)";

absl::StatusOr<absl::Duration> ParseDurationFlag(absl::string_view flag, absl::string_view text, bool allow_zero) {
  absl::Duration d;
  // absl also parses "inf": --every inf would run once and then wait forever.
  if (!absl::ParseDuration(text, &d) || d < absl::ZeroDuration() || d == absl::InfiniteDuration() ||
      (!allow_zero && d == absl::ZeroDuration())) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": '", text, "' is not a ", allow_zero ? "" : "positive ", "duration (e.g. 30s, 15m, 1h)"));
  }
  return d;
}

struct SyncFlags {
  SyncOptions options;
  SinkSpec sink;
  std::string mapping;
  absl::Duration every = absl::ZeroDuration();
};

absl::StatusOr<SyncFlags> ParseSyncFlags(const FlagValues& flags) {
  SyncFlags out;
  out.options.location_id = flags.GetOr("location");
  out.options.state_path = flags.GetOr("state");
  out.options.sink = flags.GetOr("sink");
  out.mapping = flags.GetOr("mapping");
  absl::StatusOr<SinkSpec> sink = ParseSinkSpec(flags.GetOr("sink"));
  if (!sink.ok()) return sink.status();
  out.sink = *sink;
  if (flags.Has("once") && flags.Has("every")) return absl::InvalidArgumentError("--once and --every exclude each other");
  if (auto every = flags.Get("every")) {
    absl::StatusOr<absl::Duration> d = ParseDurationFlag("every", *every, false);
    if (!d.ok()) return d.status();
    out.every = *d;
  }
  if (auto overlap = flags.Get("overlap")) {
    absl::StatusOr<absl::Duration> d = ParseDurationFlag("overlap", *overlap, true);
    if (!d.ok()) return d.status();
    out.options.overlap = *d;
  }
  if (auto delay = flags.Get("page-delay")) {
    absl::StatusOr<absl::Duration> d = ParseDurationFlag("page-delay", *delay, true);
    if (!d.ok()) return d.status();
    out.options.page_delay = *d;
  }
  if (auto size = flags.Get("page-size")) {
    absl::StatusOr<int32_t> n = ParseIntFlag("page-size", *size, 1, 500);
    if (!n.ok()) return n.status();
    out.options.page_size = *n;
  }
  if (auto batch = flags.Get("batch-pages")) {
    absl::StatusOr<int32_t> n = ParseIntFlag("batch-pages", *batch, 1, 100000);
    if (!n.ok()) return n.status();
    out.options.batch_pages = *n;
  }
  return out;
}

absl::StatusOr<Empty> BuildSync(const FlagValues& flags, std::istream&) {
  absl::StatusOr<SyncFlags> parsed = ParseSyncFlags(flags);
  if (!parsed.ok()) return parsed.status();
  return Empty();
}

int ExitFor(const absl::Status& status) { return absl::IsCancelled(status) ? kExitStopped : kExitRpcError; }

int RunSync(const Empty&, const FlagValues& flags, const GroupContext& context) {
  absl::StatusOr<SyncFlags> parsed = ParseSyncFlags(flags);
  if (!parsed.ok()) return FailWith(context, parsed.status(), kExitUsage);
  absl::StatusOr<FieldMapping> mapping = FieldMapping::Load(parsed->mapping);
  if (!mapping.ok()) return FailWith(context, mapping.status(), kExitUsage);

  absl::StatusOr<std::shared_ptr<void>> lock = LockSync(parsed->options.state_path, parsed->sink.path);
  if (!lock.ok()) return FailWith(context, lock.status(), kExitLocalError);

  const std::atomic<bool>* stop =
      context.options->catch_stop_signals ? context.options->catch_stop_signals() : nullptr;
  SyncOptions options = parsed->options;
  options.stop = stop;
  std::ostream& err = *context.console->err;
  options.log = [&err](const std::string& line) { err << line << '\n' << std::flush; };
  std::unique_ptr<ContactsClient> contacts = ContactsClientOf(context);
  std::unique_ptr<v1::EventsService::Stub> events = v1::EventsService::NewStub(context.channel);
  ContactSync sync(*contacts, events.get(), *mapping, options, context.options->clock,
                   context.options->wall_clock ? context.options->wall_clock : MakeWallClock());
  const auto stopping = [stop] { return stop != nullptr && stop->load(); };
  for (;;) {
    // A fresh sink per run: a failed run's uncommitted changes are dropped.
    absl::StatusOr<std::unique_ptr<RankrSink>> sink = OpenRankrSink(parsed->sink, *mapping);
    if (!sink.ok()) return FailWith(context, sink.status(), kExitLocalError);
    absl::StatusOr<SyncReport> report = sync.Run(**sink);
    if (report.ok()) {
      *context.console->out << report->Summary() << '\n' << std::flush;
    } else if (parsed->every == absl::ZeroDuration() || absl::IsCancelled(report.status())) {
      return FailWith(context, report.status(), ExitFor(report.status()));
    } else {
      // On a schedule a failed run is reported and retried at the next tick.
      *context.console->err << FormatError(report.status()) << '\n' << std::flush;
    }
    if (parsed->every == absl::ZeroDuration()) return kExitOk;
    const absl::Time next = context.options->clock->Now() + parsed->every;
    while (!stopping() && context.options->clock->Now() < next) {
      context.options->clock->Sleep(std::min(absl::Milliseconds(200), next - context.options->clock->Now()));
    }
    if (stopping()) {
      *context.console->err << "sync: stopped\n" << std::flush;
      return kExitOk;
    }
  }
}

}  // namespace

CommandGroup MakeSyncGroup() {
  CommandGroup group;
  group.name = "sync";
  group.summary = "Sync a location's contacts into a Rankr sink (JSONL or SQLite) through a field mapping.";
  group.subcommands.push_back(MakeSubcommand<Empty>("", group.summary, kSyncUsage,
                                                    {LocationFlag(),
                                                     {"mapping", GroupFlagKind::kValue, true},
                                                     {"sink", GroupFlagKind::kValue, true},
                                                     {"state", GroupFlagKind::kValue, true},
                                                     {"once", GroupFlagKind::kBool},
                                                     {"every", GroupFlagKind::kValue},
                                                     {"overlap", GroupFlagKind::kValue},
                                                     {"page-size", GroupFlagKind::kValue},
                                                     {"batch-pages", GroupFlagKind::kValue},
                                                     {"page-delay", GroupFlagKind::kValue}},
                                                    BuildSync, RunSync));
  return group;
}

}  // namespace ghl::client::ghlctl
