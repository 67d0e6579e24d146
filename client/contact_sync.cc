#include "client/contact_sync.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <grpcpp/grpcpp.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/output_file.h"
#include "client/status_conversion.h"

namespace ghl::client {
namespace {

namespace v1 = ::ghl::contacts::v1;

constexpr char kInitial[] = "initial";
constexpr char kIncremental[] = "incremental";
// How long one event-log read may take before the run fails (it stops at
// the log's end, so this only bounds a stuck gateway).
constexpr absl::Duration kEventsDeadline = absl::Minutes(10);

// Sink errors stop the contact stream; the status says which.
absl::Status Stopped() { return absl::CancelledError("sync stopped (SIGINT/SIGTERM) between pages"); }

bool NoEventLog(const absl::Status& s) {
  return absl::IsUnimplemented(s) || absl::IsFailedPrecondition(s);
}

absl::StatusOr<int> LockFile(const std::string& what, const std::string& path) {
  const std::string lock = path + ".lock";
  const int fd = open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return absl::FailedPreconditionError(absl::StrCat("cannot open ", lock, ": ", std::strerror(errno)));
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    close(fd);
    if (error == EWOULDBLOCK) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the ", what, " ", path, " is in use by another ghlctl sync (one sync per state file and sink at a time)"));
    }
    return absl::FailedPreconditionError(absl::StrCat("cannot lock ", lock, ": ", std::strerror(error)));
  }
  return fd;
}

}  // namespace

absl::StatusOr<std::shared_ptr<void>> LockSync(const std::string& state_path, const std::string& sink_path) {
  absl::StatusOr<int> state = LockFile("state file", state_path);
  if (!state.ok()) return state.status();
  absl::StatusOr<int> sink = LockFile("sink", sink_path);
  if (!sink.ok()) {
    close(*state);
    return sink.status();
  }
  return std::shared_ptr<void>(nullptr, [a = *state, b = *sink](void*) {
    close(b);
    close(a);
  });
}

absl::Status SyncState::Save(const std::string& path) const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  const auto str = [&w](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartObject();
  str("locationId", location_id);
  str("phase", phase);
  str("resumeToken", resume_token);
  str("cursor", cursor);
  str("maxDateUpdated", max_date_updated);
  w.Key("eventOffset");
  w.Int64(event_offset);
  w.Key("runs");
  w.Int64(runs);
  w.Key("pageSize");
  w.Int64(page_size);
  str("sink", sink);
  str("mapping", mapping);
  w.EndObject();
  absl::StatusOr<std::unique_ptr<OutputFile>> file = OutputFile::Create(path);
  if (!file.ok()) return file.status();
  absl::Status s = (*file)->Write(absl::string_view(buffer.GetString(), buffer.GetSize()));
  if (!s.ok()) return s;
  return (*file)->Commit();
}

absl::StatusOr<SyncState> SyncState::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("no sync state ", path));
  std::stringstream text;
  text << in.rdbuf();
  const std::string body = text.str();
  rapidjson::Document d;
  d.Parse(body.data(), body.size());
  const auto bad = [&path](absl::string_view why) {
    return absl::DataLossError(absl::StrCat(path, " is not a sync state file (", why, ")"));
  };
  if (d.HasParseError() || !d.IsObject()) return bad("not a JSON object");
  SyncState s;
  const auto str = [&](const char* key, std::string* out) {
    auto it = d.FindMember(key);
    if (it == d.MemberEnd() || !it->value.IsString()) return false;
    out->assign(it->value.GetString(), it->value.GetStringLength());
    return true;
  };
  const auto num = [&](const char* key, int64_t* out) {
    auto it = d.FindMember(key);
    if (it == d.MemberEnd() || !it->value.IsInt64() || it->value.GetInt64() < 0) return false;
    *out = it->value.GetInt64();
    return true;
  };
  if (!str("locationId", &s.location_id) || !str("phase", &s.phase) || !str("resumeToken", &s.resume_token) ||
      !str("cursor", &s.cursor) || !str("maxDateUpdated", &s.max_date_updated) ||
      !num("eventOffset", &s.event_offset) || !num("runs", &s.runs) || !str("sink", &s.sink)) {
    return bad("a member is missing or has the wrong type");
  }
  // Optional (state files written before they were recorded lack them).
  if (d.HasMember("pageSize") && !num("pageSize", &s.page_size)) return bad("pageSize is not a count");
  if (d.HasMember("mapping") && !str("mapping", &s.mapping)) return bad("mapping is not a string");
  if (s.phase != kInitial && s.phase != kIncremental) return bad("phase is neither initial nor incremental");
  if (s.phase == kIncremental && !ParseRfc3339(s.cursor).ok()) return bad("cursor is not an RFC 3339 date-time");
  return s;
}

std::string SyncReport::Summary() const {
  return absl::StrFormat("%s sync: %d upserted (%d new, %d changed), %d deleted, %d unchanged, %d warnings%s in %.2f s",
                         initial ? "initial" : "incremental", inserted + updated, inserted, updated, deleted,
                         unchanged, warnings, reconciled ? " (ids reconciled)" : "",
                         absl::ToDoubleSeconds(duration));
}

ContactSync::ContactSync(const ContactsClient& contacts, v1::EventsService::StubInterface* events,
                         const FieldMapping& mapping, SyncOptions options, std::shared_ptr<Clock> clock,
                         WallClock wall)
    : contacts_(contacts),
      events_(events),
      mapping_(mapping),
      options_(std::move(options)),
      clock_(std::move(clock)),
      wall_(std::move(wall)) {}

absl::StatusOr<SyncReport> ContactSync::Run(RankrSink& sink) const {
  const absl::Time started = clock_->Now();
  absl::StatusOr<SyncState> loaded = SyncState::Load(options_.state_path);
  SyncState state;
  if (loaded.ok()) {
    state = *std::move(loaded);
    if (state.location_id != options_.location_id) {
      return absl::FailedPreconditionError(absl::StrCat(options_.state_path, " is the sync state of location ",
                                                        state.location_id, ", not ", options_.location_id,
                                                        "; use another --state file"));
    }
    if (state.sink != options_.sink) {
      return absl::FailedPreconditionError(absl::StrCat(options_.state_path, " is the sync state of --sink ",
                                                        state.sink, ", not ", options_.sink,
                                                        "; each sink needs its own --state file"));
    }
    if (!state.mapping.empty() && state.mapping != mapping_.Fingerprint()) {
      return absl::FailedPreconditionError(absl::StrCat(
          options_.state_path, " and its sink ", state.sink, " were made with another mapping (fingerprint ",
          state.mapping, ", this one ", mapping_.Fingerprint(),
          "); records it does not rewrite would keep the old mapping's values: sync a new mapping into a new "
          "--sink and --state"));
    }
  } else if (absl::IsNotFound(loaded.status())) {
    state.location_id = options_.location_id;
    state.sink = options_.sink;
  } else {
    return loaded.status();
  }
  state.mapping = mapping_.Fingerprint();
  SyncReport report;
  report.initial = state.phase == kInitial;
  absl::Status status = report.initial ? Initial(sink, state, report) : Incremental(sink, state, report);
  report.duration = clock_->Now() - started;
  if (!status.ok()) return status;
  return report;
}

absl::Status ContactSync::Store(RankrSink& sink, const v1::Contact& contact, SyncState& state,
                                SyncReport& report) const {
  RankrRecord record = mapping_.Apply(contact);
  report.warnings += static_cast<int64_t>(record.warnings.size());
  if (record.updated_at > state.max_date_updated) state.max_date_updated = record.updated_at;
  absl::StatusOr<UpsertOutcome> outcome = sink.Upsert(record);
  if (!outcome.ok()) return outcome.status();
  switch (*outcome) {
    case UpsertOutcome::kInserted:
      ++report.inserted;
      break;
    case UpsertOutcome::kUpdated:
      ++report.updated;
      break;
    case UpsertOutcome::kUnchanged:
      ++report.unchanged;
      break;
  }
  return absl::OkStatus();
}

absl::Status ContactSync::FetchInto(RankrSink& sink, const std::string& id, SyncState& state,
                                    SyncReport& report) const {
  v1::GetContactRequest request;
  request.set_location_id(options_.location_id);
  request.set_contact_id(id);
  absl::StatusOr<v1::Contact> contact = contacts_.GetContact(request);
  if (absl::IsNotFound(contact.status())) {
    absl::StatusOr<bool> deleted = sink.Delete(id);
    if (!deleted.ok()) return deleted.status();
    if (*deleted) ++report.deleted;
    return absl::OkStatus();
  }
  if (!contact.ok()) return contact.status();
  ++report.fetched;
  return Store(sink, *contact, state, report);
}

absl::Status ContactSync::ReadEvents(int64_t* offset,
                                     const std::function<void(const v1::Event&)>& on_event) const {
  if (events_ == nullptr) return absl::UnimplementedError("no event service");
  v1::WatchEventsRequest request;
  request.set_location_id(options_.location_id);
  request.set_after_offset(*offset);
  request.set_stop_at_end(true);
  request.add_event_types(v1::EVENT_TYPE_CONTACT_CREATE);
  request.add_event_types(v1::EVENT_TYPE_CONTACT_UPDATE);
  request.add_event_types(v1::EVENT_TYPE_CONTACT_DELETE);
  // DND and tag changes are contact updates too (GHL sends them separately).
  request.add_event_types(v1::EVENT_TYPE_CONTACT_DND_UPDATE);
  request.add_event_types(v1::EVENT_TYPE_CONTACT_TAG_UPDATE);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(wall_() + kEventsDeadline));
  std::unique_ptr<grpc::ClientReaderInterface<v1::WatchEventsResponse>> reader =
      events_->WatchEvents(&context, request);
  v1::WatchEventsResponse response;
  int64_t last = *offset;
  while (reader->Read(&response)) {
    if (response.has_event()) {
      on_event(response.event());
      last = std::max(last, response.event().offset());
    }
    last = std::max(last, response.read_offset());
  }
  absl::Status status = FromGrpcStatus(reader->Finish());
  if (!status.ok()) return status;
  *offset = last;
  return absl::OkStatus();
}

absl::Status ContactSync::Initial(RankrSink& sink, SyncState& state, SyncReport& report) const {
  const absl::Time wall_start = wall_();
  if (state.resume_token.empty()) {
    // Note where the event log ends before reading contacts: deletions
    // logged from here on are applied by the first incremental run.
    int64_t offset = 0;
    absl::Status events = ReadEvents(&offset, [](const v1::Event&) {});
    if (events.ok()) {
      state.event_offset = offset;
    } else if (!NoEventLog(events)) {
      return events;
    }
    state.cursor = FormatRfc3339Millis(wall_start);
  }
  // A resume token continues only the listing it was issued for: a resumed
  // run keeps that listing's page size, whatever --page-size says now.
  if (state.resume_token.empty() || state.page_size <= 0) state.page_size = options_.page_size;
  v1::SearchContactsRequest request;
  request.set_location_id(options_.location_id);
  request.set_page_size(static_cast<int32_t>(state.page_size));
  request.set_resume_token(state.resume_token);
  v1::SearchSort* sort = request.add_sort();
  sort->set_field("dateAdded");
  sort->set_direction(v1::SORT_DIRECTION_ASC);

  int pages_since_commit = 0;
  bool stop = false;
  absl::Status batch_status;
  const auto commit = [&](const std::string& token, int64_t contacts) -> absl::Status {
    absl::Status s = sink.Commit();
    if (!s.ok()) return s;
    state.resume_token = token;
    s = state.Save(options_.state_path);
    if (s.ok() && options_.log) options_.log(absl::StrCat("sync: initial: ", contacts, " contacts committed"));
    return s;
  };
  absl::StatusOr<ExportProgress> listed = contacts_.SearchContacts(
      request,
      [&](const v1::Contact& contact) -> absl::Status {
        if (stop) return Stopped();
        if (!batch_status.ok()) return batch_status;
        ++report.fetched;
        return Store(sink, contact, state, report);
      },
      [&](const ExportProgress& progress) {
        if (!batch_status.ok()) return;
        if (++pages_since_commit >= options_.batch_pages && !progress.resume_token.empty()) {
          batch_status = commit(progress.resume_token, progress.contacts);
          pages_since_commit = 0;
        }
        if (options_.page_delay > absl::ZeroDuration()) clock_->Sleep(options_.page_delay);
        stop = Stopping();
      });
  if (!batch_status.ok()) return batch_status;
  if (!listed.ok()) {
    if (absl::IsCancelled(listed.status()) && stop) {
      // Only committed pages count; the partial batch is dropped with the sink.
      return Stopped();
    }
    return listed.status();
  }
  absl::Status s = Reconcile(sink, report);
  if (!s.ok()) return s;
  s = sink.Commit();
  if (!s.ok()) return s;
  state.phase = kIncremental;
  state.resume_token.clear();
  state.page_size = 0;
  ++state.runs;
  return state.Save(options_.state_path);
}

absl::Status ContactSync::Reconcile(RankrSink& sink, SyncReport& report) const {
  v1::ListContactsRequest request;
  request.set_location_id(options_.location_id);
  request.set_page_size(options_.page_size);
  request.mutable_read_mask()->add_paths("id");
  std::set<std::string> live;
  absl::StatusOr<ExportProgress> listed = contacts_.ExportContacts(request, [&](const v1::Contact& c) {
    if (Stopping()) return Stopped();
    live.insert(c.id());
    return absl::OkStatus();
  });
  if (!listed.ok()) return listed.status();
  absl::StatusOr<std::vector<std::string>> stored = sink.Ids();
  if (!stored.ok()) return stored.status();
  const std::set<std::string> have(stored->begin(), stored->end());
  SyncState scratch;  // Fetches here do not move the cursor.
  for (const std::string& id : have) {
    if (live.count(id) > 0) continue;
    absl::StatusOr<bool> deleted = sink.Delete(id);
    if (!deleted.ok()) return deleted.status();
    if (*deleted) ++report.deleted;
  }
  for (const std::string& id : live) {
    if (have.count(id) > 0) continue;
    absl::Status s = FetchInto(sink, id, scratch, report);
    if (!s.ok()) return s;
  }
  report.reconciled = true;
  return absl::OkStatus();
}

absl::Status ContactSync::Incremental(RankrSink& sink, SyncState& state, SyncReport& report) const {
  const absl::Time wall_start = wall_();
  absl::StatusOr<absl::Time> cursor = ParseRfc3339(state.cursor);
  if (!cursor.ok()) return absl::DataLossError(absl::StrCat(options_.state_path, ": cursor is not a date-time"));
  v1::SearchContactsRequest request;
  request.set_location_id(options_.location_id);
  request.set_page_size(options_.page_size);
  v1::SearchFilter* filter = request.add_filters()->mutable_filter();
  filter->set_field("dateUpdated");
  filter->set_operator_(v1::SEARCH_OPERATOR_RANGE);
  filter->mutable_range_value()->mutable_gte()->set_string_value(FormatRfc3339Millis(*cursor - options_.overlap));
  std::set<std::string> seen;
  absl::StatusOr<ExportProgress> listed = contacts_.SearchContacts(
      request,
      [&](const v1::Contact& contact) -> absl::Status {
        if (Stopping()) return Stopped();
        seen.insert(contact.id());
        ++report.fetched;
        return Store(sink, contact, state, report);
      },
      [&](const ExportProgress&) {
        if (options_.page_delay > absl::ZeroDuration()) clock_->Sleep(options_.page_delay);
      });
  if (!listed.ok()) return listed.status();

  // The last event of each contact decides: deleted, or (re)fetched.
  std::map<std::string, v1::EventType> last_event;
  int64_t offset = state.event_offset;
  absl::Status events = ReadEvents(&offset, [&](const v1::Event& event) {
    if (!event.has_contact() || event.contact().id().empty()) return;
    last_event[event.contact().id()] = event.type();
  });
  if (events.ok()) {
    report.events = true;
    for (const auto& [id, type] : last_event) {
      if (Stopping()) return Stopped();
      if (type == v1::EVENT_TYPE_CONTACT_DELETE) {
        absl::StatusOr<bool> deleted = sink.Delete(id);
        if (!deleted.ok()) return deleted.status();
        if (*deleted) ++report.deleted;
      } else if (seen.count(id) == 0) {
        absl::Status s = FetchInto(sink, id, state, report);
        if (!s.ok()) return s;
      }
    }
  } else if (NoEventLog(events)) {
    absl::Status s = Reconcile(sink, report);
    if (!s.ok()) return s;
  } else {
    return events;
  }
  absl::Status s = sink.Commit();
  if (!s.ok()) return s;
  state.cursor = FormatRfc3339Millis(wall_start);
  state.event_offset = offset;
  ++state.runs;
  return state.Save(options_.state_path);
}

}  // namespace ghl::client
