// `ghlctl watch`: follows the gateway's webhook event log
// (EventsService.WatchEvents), one line per event, resumable through an
// offset file. Heartbeats print nothing (they only move the stored offset).
#include <google/protobuf/util/json_util.h>

#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/events_client.h"
#include "client/ghlctl/group_util.h"
#include "ghl/contacts/v1/events.pb.h"

namespace ghl::client::ghlctl {
namespace {

namespace v1 = ::ghl::contacts::v1;

// Set by SIGINT/SIGTERM while a watch runs.
std::atomic<bool> g_interrupted{false};
extern "C" void OnInterrupt(int) { g_interrupted.store(true); }

// "ContactCreate" (the documented name), "INSTALL" (the payload type) or
// "EVENT_TYPE_CONTACT_CREATE" -> the enum value, from events.proto's options.
absl::StatusOr<v1::EventType> ParseEventType(absl::string_view text) {
  const auto* type = v1::EventType_descriptor();
  for (int i = 0; i < type->value_count(); ++i) {
    const auto* value = type->value(i);
    const auto& description = value->options().GetExtension(v1::event_description);
    if (value->name() == text || (!description.name().empty() && description.name() == text) ||
        (!description.payload_type().empty() && description.payload_type() == text)) {
      return static_cast<v1::EventType>(value->number());
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--types: unknown event type '", text, "' (see `ghlctl catalog` for the names)"));
}

// The offset stored in `path`; nullopt when the file does not exist. Any
// other failure is an error, never "start from --after": a directory made
// libstdc++ throw (ghlctl aborted), and an unreadable file would replay the
// whole log.
absl::StatusOr<std::optional<int64_t>> ReadOffsetFile(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::optional<int64_t>();
    return absl::InvalidArgumentError(
        absl::StrCat("--offset-file: cannot read ", path, ": ", std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--offset-file: ", path, " is not a regular file"));
  }
  std::ifstream in(path);
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat("--offset-file: cannot read ", path));
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  int64_t offset = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &offset) || offset < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--offset-file: ", path, " does not hold an offset (a non-negative integer)"));
  }
  return std::optional<int64_t>(offset);
}

// Replaces `path` atomically: "<path>.tmp" written, then renamed over it.
absl::Status WriteOffsetFile(const std::string& path, int64_t offset) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << offset << "\n";
    out.close();
    if (!out) return absl::UnavailableError(absl::StrCat("--offset-file: cannot write ", tmp));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat("--offset-file: cannot rename ", tmp, " to ", path));
  }
  return absl::OkStatus();
}

template <typename T>
void AppendIds(const T& item, absl::string_view noun, std::string* line) {
  if (item.has_id()) absl::StrAppend(line, " ", noun, "=", item.id());
  if (item.has_contact_id()) absl::StrAppend(line, " contact=", item.contact_id());
}

// One text line: offset, type, location and the payload's ids.
std::string TextLine(const v1::Event& e) {
  std::string line = absl::StrCat(e.offset(), " ", e.payload_type());
  if (!e.location_id().empty()) absl::StrAppend(&line, " location=", e.location_id());
  switch (e.payload_case()) {
    case v1::Event::kContact:
      if (!e.contact().id().empty()) absl::StrAppend(&line, " contact=", e.contact().id());
      break;
    case v1::Event::kTask:
      AppendIds(e.task(), "task", &line);
      break;
    case v1::Event::kNote:
      AppendIds(e.note(), "note", &line);
      break;
    case v1::Event::kAppointment:
      AppendIds(e.appointment(), "appointment", &line);
      break;
    case v1::Event::kApp:
      if (e.app().has_app_id()) absl::StrAppend(&line, " app=", e.app().app_id());
      if (!e.company_id().empty()) absl::StrAppend(&line, " company=", e.company_id());
      break;
    default:
      break;
  }
  if (!e.webhook_id().empty()) absl::StrAppend(&line, " webhook=", e.webhook_id());
  // missing_fields (often long: every optional member absent) is in jsonl.
  return line;
}

int RunWatch(const v1::WatchEventsRequest& parsed, const FlagValues& flags, const GroupContext& context) {
  v1::WatchEventsRequest request = parsed;
  const std::string offset_file = flags.GetOr("offset-file");
  if (!offset_file.empty()) {
    auto stored = ReadOffsetFile(offset_file);
    if (!stored.ok()) return FailWith(context, stored.status(), kExitUsage);
    if (stored->has_value()) request.set_after_offset(**stored);
  }
  const bool jsonl = flags.GetOr("output", "text") == "jsonl";
  std::ostream& out = *context.console->out;
  ExportRetryPolicy retry = context.options->export_retry;
  EventsClient client(v1::EventsService::NewStub(context.channel), context.options->clock, retry);

  g_interrupted.store(false);
  auto previous_int = std::signal(SIGINT, OnInterrupt);
  auto previous_term = std::signal(SIGTERM, OnInterrupt);
  int64_t events = 0;
  absl::Status status = client.Watch(
      request,
      [&](const v1::WatchEventsResponse& message) -> absl::Status {
        if (message.has_event()) {
          if (jsonl) {
            std::string json;
            google::protobuf::util::JsonPrintOptions options;
            options.add_whitespace = false;
            if (auto s = google::protobuf::util::MessageToJsonString(message.event(), &json, options);
                !s.ok()) {
              return absl::InternalError(absl::StrCat("event ", message.event().offset(),
                                                      " cannot be printed as JSON"));
            }
            out << json << '\n';
          } else {
            out << TextLine(message.event()) << '\n';
          }
          out.flush();
          ++events;
        }
        // Stored only after the line is out: a crash in between repeats
        // the event on the next run (at-least-once), never skips it.
        if (!offset_file.empty()) return WriteOffsetFile(offset_file, message.read_offset());
        return absl::OkStatus();
      },
      [] { return g_interrupted.load(); });
  std::signal(SIGINT, previous_int);
  std::signal(SIGTERM, previous_term);
  if (!status.ok()) return FailWith(context, status);
  *context.console->err << "watched " << events << " events"
                        << (g_interrupted.load() ? " (interrupted)" : "") << "\n"
                        << std::flush;
  return kExitOk;
}

}  // namespace

CommandGroup MakeWatchGroup() {
  CommandGroup group;
  group.name = "watch";
  group.summary = "Follow the gateway's webhook events (WatchEvents), one line per event.";
  group.usage =
      "Usage: ghlctl watch --location L [--types T,T...] [--after OFFSET]\n"
      "                    [--offset-file F] [--until-end] [--output text|jsonl]\n\n"
      "Streams the webhook events the gateway logged for the location, oldest\n"
      "first, then follows new ones (until Ctrl-C). A dropped connection is\n"
      "reopened with backoff after the last offset seen, so no event is printed\n"
      "twice in one run; while following it waits for a gateway that is down\n"
      "for as long as it takes (with --until-end it gives up after 6 failed\n"
      "attempts in a row).\n\n"
      "Flags:\n"
      "  --types T,T       Only these types: ContactCreate, TaskCreate, INSTALL,\n"
      "                    EVENT_TYPE_NOTE_CREATE, ... (`ghlctl catalog` lists them).\n"
      "  --after OFFSET    Start after this log offset (default 0: the beginning).\n"
      "  --offset-file F   Resume after the offset stored in F (when F exists; it\n"
      "                    wins over --after) and store the offset of each event\n"
      "                    (or heartbeat) there after printing it (atomic rename).\n"
      "  --until-end       End once the events logged when the call started are out.\n"
      "  --output FORMAT   text (default): offset, type, location, ids;\n"
      "                    jsonl: each Event as one line of proto JSON.\n";
  group.subcommands.push_back(MakeSubcommand<v1::WatchEventsRequest>(
      "", group.summary, group.usage,
      {LocationFlag(),
       {"types", GroupFlagKind::kValue},
       {"after", GroupFlagKind::kValue},
       {"offset-file", GroupFlagKind::kValue},
       {"until-end", GroupFlagKind::kBool},
       {"output", GroupFlagKind::kValue}},
      [](const FlagValues& flags, std::istream&) -> absl::StatusOr<v1::WatchEventsRequest> {
        v1::WatchEventsRequest request;
        request.set_location_id(flags.GetOr("location"));
        if (auto types = flags.Get("types")) {
          for (absl::string_view t : absl::StrSplit(*types, ',', absl::SkipWhitespace())) {
            auto type = ParseEventType(absl::StripAsciiWhitespace(t));
            if (!type.ok()) return type.status();
            request.add_event_types(*type);
          }
        }
        if (auto after = flags.Get("after")) {
          int64_t offset = 0;
          if (!absl::SimpleAtoi(*after, &offset) || offset < 0) {
            return absl::InvalidArgumentError("--after: expected a non-negative offset");
          }
          request.set_after_offset(offset);
        }
        request.set_stop_at_end(flags.Has("until-end"));
        const std::string output = flags.GetOr("output", "text");
        if (output != "text" && output != "jsonl") {
          return absl::InvalidArgumentError("--output: expected text or jsonl");
        }
        return request;
      },
      RunWatch));
  return group;
}

}  // namespace ghl::client::ghlctl
