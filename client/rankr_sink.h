// RankrSink: where `ghlctl sync` keeps Rankr's copy of a location's
// contacts, keyed by GHL contact id: upserts, deletions, and an atomic
// Commit that makes everything since the previous Commit durable at once.
//
// Two sinks (ParseSinkSpec / OpenRankrSink):
//   jsonl:PATH   PATH holds the current state, one record per line
//                (RankrRecord::ToJson: ghl_id, updated_at, the mapped fields),
//                sorted by ghl_id. Commit rewrites it atomically (written to
//                PATH.partial, fsynced, renamed over PATH): a reader or a
//                crash sees the previous or the new state, never a mix. A
//                deleted contact's line is removed.
//   sqlite:PATH  table rankr_contacts (ghl_id TEXT PRIMARY KEY, updated_at
//                TEXT, one column per mapped field: string/timestamp TEXT,
//                int/bool INTEGER, double REAL, string_list TEXT holding a
//                JSON array; record TEXT: the same JSON line as the JSONL
//                sink). Writes go in one transaction per Commit (WAL,
//                synchronous=FULL). A deleted contact's row is deleted. A
//                table whose columns differ from the mapping is refused
//                (FAILED_PRECONDITION): a new mapping needs a new table.
//
// Threading: not thread-safe; one sync at a time uses a sink (a second
// process on the same JSONL file would lose writes; use one sync per sink).
// Errors: I/O and SQLite failures are UNAVAILABLE/DATA_LOSS naming the
// file; after an error, uncommitted changes are discarded by destruction.
#ifndef GHL_CLIENT_RANKR_SINK_H_
#define GHL_CLIENT_RANKR_SINK_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/field_mapping.h"

namespace ghl::client {

/// What an upsert did.
enum class UpsertOutcome { kInserted, kUpdated, kUnchanged };

/// See the file comment.
class RankrSink {
 public:
  virtual ~RankrSink() = default;
  /// Inserts or replaces the record with record.ghl_id.
  /// @return kUnchanged when the stored record is identical (nothing written).
  virtual absl::StatusOr<UpsertOutcome> Upsert(const RankrRecord& record) = 0;
  /// Removes the record of `ghl_id`.
  /// @return true when there was one.
  virtual absl::StatusOr<bool> Delete(const std::string& ghl_id) = 0;
  /// @return every stored id (committed and not), sorted.
  virtual absl::StatusOr<std::vector<std::string>> Ids() = 0;
  /// Makes every change since the last Commit durable, atomically.
  virtual absl::Status Commit() = 0;
  /// @return the stored record's JSON line, or NOT_FOUND.
  virtual absl::StatusOr<std::string> Get(const std::string& ghl_id) = 0;
};

/// A parsed --sink value.
struct SinkSpec {
  enum class Kind { kJsonl, kSqlite } kind = Kind::kJsonl;
  std::string path;
};

/// @param text "jsonl:PATH" or "sqlite:PATH".
/// @return INVALID_ARGUMENT naming --sink otherwise.
absl::StatusOr<SinkSpec> ParseSinkSpec(absl::string_view text);

/// Opens (creating when absent) the sink for records of `mapping`.
absl::StatusOr<std::unique_ptr<RankrSink>> OpenRankrSink(const SinkSpec& spec, const FieldMapping& mapping);

}  // namespace ghl::client

#endif  // GHL_CLIENT_RANKR_SINK_H_
