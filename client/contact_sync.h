// ContactSync: one run of `ghlctl sync`: keeps a RankrSink equal to a GHL
// location's contacts mapped through a FieldMapping.
//
// A run is either
//   - initial (no state yet, or an initial run that was interrupted): the
//     event log's end offset is noted first, then every contact is streamed
//     with SearchContacts (sorted by dateAdded) and upserted; every
//     `batch_pages` pages the sink is committed and then the state records
//     the page's resume token, so a killed run resumes after the last
//     committed page. It ends with a reconcile pass (below), since
//     page-numbered search can shift a contact past the reader when others
//     are deleted meanwhile.
//   - incremental: contacts with dateUpdated >= cursor - overlap (GHL's
//     search index lags writes by seconds; records that did not change are
//     counted unchanged, not rewritten), then the gateway's event log
//     after the stored offset (WatchEvents, stop_at_end; ContactDelete
//     deletes, ContactCreate/Update/DndUpdate/TagUpdate fetch contacts the
//     lagging index did not return yet; a contact that is gone when fetched is deleted). When the
//     gateway has no event log (UNIMPLEMENTED or FAILED_PRECONDITION) every
//     incremental run reconciles instead: the full id listing is compared
//     with the sink, missing contacts are fetched and extra records deleted.
//
// Durability: the sink is committed before the state (SyncState) is
// replaced, and every step is idempotent (upserts keyed by id, deleting an
// absent record is a no-op), so a crash at any point re-does at most the
// work since the last state commit and never loses or duplicates a record.
//
// Threading: Run blocks the calling thread; one ContactSync per sink and
// state file. `stop` is polled between pages (a clean stop commits nothing
// half-done). Errors: the gateway's status, sink and state I/O errors;
// FAILED_PRECONDITION when the state belongs to another location or sink.
#ifndef GHL_CLIENT_CONTACT_SYNC_H_
#define GHL_CLIENT_CONTACT_SYNC_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/clock.h"
#include "client/contacts_client.h"
#include "client/field_mapping.h"
#include "client/rankr_sink.h"
#include "ghl/contacts/v1/events_service.grpc.pb.h"

namespace ghl::client {

/// The durable cursor of a sync, one JSON file replaced atomically.
struct SyncState {
  std::string location_id;
  /// "initial" until the initial sync has completed, then "incremental".
  std::string phase = "initial";
  /// initial: the resume token after the last committed page ("" = start).
  std::string resume_token;
  /// initial: the page size the resume token was issued for (a token only
  /// continues the listing it came from, so a resumed run keeps it whatever
  /// --page-size says; 0 = not recorded).
  int64_t page_size = 0;
  /// The next incremental run asks for dateUpdated >= cursor - overlap
  /// (RFC 3339): the start time of the last completed run.
  std::string cursor;
  /// The largest dateUpdated a run has stored (informational).
  std::string max_date_updated;
  /// The event log offset handled so far.
  int64_t event_offset = 0;
  /// Completed runs.
  int64_t runs = 0;
  /// The sink this state describes (the --sink value).
  std::string sink;
  /// FieldMapping::Fingerprint of the mapping the sink's records were made
  /// with ("" = not recorded): another mapping is refused, since records it
  /// did not rewrite would keep the old mapping's values.
  std::string mapping;

  /// Writes atomically (temporary file, fsync, rename).
  absl::Status Save(const std::string& path) const;
  /// @return NOT_FOUND when absent, DATA_LOSS naming the file when malformed.
  static absl::StatusOr<SyncState> Load(const std::string& path);
};

/// Knobs of a run.
struct SyncOptions {
  std::string location_id;
  std::string state_path;
  /// The sink's --sink value, kept in the state: a state file is one sink's.
  std::string sink;
  /// Re-read window before the cursor (GHL's search index lag).
  absl::Duration overlap = absl::Seconds(30);
  /// Contacts per page.
  int32_t page_size = 100;
  /// Initial sync: commit sink + state every N pages.
  int batch_pages = 10;
  /// Sleep after every page (spares the gateway's budget; tests use it to
  /// stop a run at a known point).
  absl::Duration page_delay = absl::ZeroDuration();
  /// Progress lines (one per commit); may be null.
  std::function<void(const std::string&)> log;
  /// Set to stop between pages.
  const std::atomic<bool>* stop = nullptr;
};

/// What a run did.
struct SyncReport {
  bool initial = false;
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t deleted = 0;
  int64_t unchanged = 0;
  int64_t warnings = 0;
  int64_t fetched = 0;  ///< contacts read from the gateway
  bool events = false;  ///< the event log was read
  bool reconciled = false;
  absl::Duration duration;
  /// @return "initial sync: 5000 upserted (5000 new, 0 changed), 0 deleted,
  ///         0 unchanged, 3 warnings in 1.2 s".
  std::string Summary() const;
};

/// See the file comment.
class ContactSync {
 public:
  /// @param events may be null: no event log (reconcile instead).
  ContactSync(const ContactsClient& contacts, ghl::contacts::v1::EventsService::StubInterface* events,
              const FieldMapping& mapping, SyncOptions options, std::shared_ptr<Clock> clock, WallClock wall);

  /// Runs one sync into `sink`.
  /// @return the report, CANCELLED when stopped (what was committed stays),
  ///         or the first error.
  absl::StatusOr<SyncReport> Run(RankrSink& sink) const;

 private:
  absl::Status Initial(RankrSink& sink, SyncState& state, SyncReport& report) const;
  absl::Status Incremental(RankrSink& sink, SyncState& state, SyncReport& report) const;
  absl::Status Reconcile(RankrSink& sink, SyncReport& report) const;
  absl::Status Store(RankrSink& sink, const ghl::contacts::v1::Contact& contact, SyncState& state,
                     SyncReport& report) const;
  absl::Status FetchInto(RankrSink& sink, const std::string& id, SyncState& state, SyncReport& report) const;
  /// Reads events after `*offset`; UNIMPLEMENTED/FAILED_PRECONDITION when
  /// the gateway has no log. `on_event` gets each contact event.
  absl::Status ReadEvents(int64_t* offset, const std::function<void(const ghl::contacts::v1::Event&)>& on_event) const;
  bool Stopping() const { return options_.stop != nullptr && options_.stop->load(); }

  const ContactsClient& contacts_;
  ghl::contacts::v1::EventsService::StubInterface* events_;
  const FieldMapping& mapping_;
  SyncOptions options_;
  std::shared_ptr<Clock> clock_;
  WallClock wall_;
};

/// Holds exclusive locks (flock) on `<state>.lock` and `<sink path>.lock` for
/// its lifetime, so two syncs on one state file or one sink never run at
/// once: each would commit its own view of the sink and the later commit
/// would bring back records the other deleted.
/// @return FAILED_PRECONDITION naming the file when another sync holds it.
absl::StatusOr<std::shared_ptr<void>> LockSync(const std::string& state_path, const std::string& sink_path);

}  // namespace ghl::client

#endif  // GHL_CLIENT_CONTACT_SYNC_H_
