#include "client/rankr_sink.h"

#include <fstream>
#include <map>

#include <rapidjson/document.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "adapters/ghl/storage/sqlite_db.h"
#include "client/output_file.h"

namespace ghl::client {
namespace {

using ghl::storage::SqliteDb;
using ghl::storage::SqliteStatement;

class JsonlRankrSink final : public RankrSink {
 public:
  static absl::StatusOr<std::unique_ptr<RankrSink>> Open(const std::string& path) {
    std::unique_ptr<JsonlRankrSink> sink(new JsonlRankrSink(path));
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::unique_ptr<RankrSink>(std::move(sink));  // a first sync
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (line.empty()) continue;
      rapidjson::Document d;
      d.Parse(line.data(), line.size());
      auto id = d.IsObject() ? d.FindMember("ghl_id") : rapidjson::Value::MemberIterator();
      if (d.HasParseError() || !d.IsObject() || id == d.MemberEnd() || !id->value.IsString()) {
        return absl::DataLossError(
            absl::StrCat(path, ":", line_no, ": not a Rankr record (a JSON object with ghl_id)"));
      }
      sink->records_[id->value.GetString()] = line;
    }
    return std::unique_ptr<RankrSink>(std::move(sink));
  }

  absl::StatusOr<UpsertOutcome> Upsert(const RankrRecord& record) override {
    std::string line = record.ToJson();
    auto [it, inserted] = records_.try_emplace(record.ghl_id, line);
    if (inserted) {
      dirty_ = true;
      return UpsertOutcome::kInserted;
    }
    if (it->second == line) return UpsertOutcome::kUnchanged;
    it->second = std::move(line);
    dirty_ = true;
    return UpsertOutcome::kUpdated;
  }

  absl::StatusOr<bool> Delete(const std::string& ghl_id) override {
    const bool erased = records_.erase(ghl_id) > 0;
    dirty_ = dirty_ || erased;
    return erased;
  }

  absl::StatusOr<std::vector<std::string>> Ids() override {
    std::vector<std::string> ids;
    ids.reserve(records_.size());
    for (const auto& [id, line] : records_) ids.push_back(id);
    return ids;
  }

  absl::StatusOr<std::string> Get(const std::string& ghl_id) override {
    auto it = records_.find(ghl_id);
    if (it == records_.end()) return absl::NotFoundError(absl::StrCat("no record ", ghl_id));
    return it->second;
  }

  absl::Status Commit() override {
    if (!dirty_) return absl::OkStatus();
    absl::StatusOr<std::unique_ptr<OutputFile>> file = OutputFile::Create(path_);
    if (!file.ok()) return file.status();
    for (const auto& [id, line] : records_) {
      absl::Status s = (*file)->Write(line);
      if (s.ok()) s = (*file)->Write("\n");
      if (!s.ok()) return s;
    }
    absl::Status s = (*file)->Commit();
    if (s.ok()) dirty_ = false;
    return s;
  }

 private:
  explicit JsonlRankrSink(std::string path) : path_(std::move(path)) {}
  std::string path_;
  std::map<std::string, std::string> records_;  // id -> JSON line, sorted
  bool dirty_ = false;
};

absl::string_view SqlType(RankrType type) {
  switch (type) {
    case RankrType::kInt:
    case RankrType::kBool:
      return "INTEGER";
    case RankrType::kDouble:
      return "REAL";
    default:
      return "TEXT";
  }
}

class SqliteRankrSink final : public RankrSink {
 public:
  static absl::StatusOr<std::unique_ptr<RankrSink>> Open(const std::string& path, const FieldMapping& mapping) {
    absl::StatusOr<std::shared_ptr<SqliteDb>> db = SqliteDb::Open(path, "", "sync sink");
    if (!db.ok()) return db.status();
    std::unique_ptr<SqliteRankrSink> sink(new SqliteRankrSink(*db));
    std::vector<std::string> columns = {"ghl_id", "updated_at", "record"};
    std::vector<std::string> defs = {"ghl_id TEXT PRIMARY KEY", "updated_at TEXT NOT NULL", "record TEXT NOT NULL"};
    for (const MappingEntry& e : mapping.entries()) {
      columns.push_back(e.target);
      defs.push_back(absl::StrCat("\"", e.target, "\" ", SqlType(e.type)));
      sink->types_.push_back(e.type);
    }
    absl::Status s =
        sink->db_->Exec(absl::StrCat("CREATE TABLE IF NOT EXISTS rankr_contacts (", absl::StrJoin(defs, ", "), ")"));
    if (!s.ok()) return s;
    absl::StatusOr<std::unique_ptr<SqliteStatement>> info = sink->db_->Prepare("PRAGMA table_info(rankr_contacts)");
    if (!info.ok()) return info.status();
    std::vector<std::string> existing;
    for (;;) {
      absl::StatusOr<bool> row = (*info)->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      existing.push_back((*info)->ColumnText(1));
    }
    if (existing != columns) {
      return absl::FailedPreconditionError(absl::StrCat(
          path, ": table rankr_contacts has columns (", absl::StrJoin(existing, ", "), ") but the mapping makes (",
          absl::StrJoin(columns, ", "), "); sync a new mapping into a new file"));
    }
    std::vector<std::string> marks(columns.size(), "?");
    std::vector<std::string> quoted;
    for (const std::string& c : columns) quoted.push_back(absl::StrCat("\"", c, "\""));
    auto upsert = sink->db_->Prepare(absl::StrCat("INSERT OR REPLACE INTO rankr_contacts (", absl::StrJoin(quoted, ", "),
                                                  ") VALUES (", absl::StrJoin(marks, ", "), ")"));
    auto select = sink->db_->Prepare("SELECT record FROM rankr_contacts WHERE ghl_id = ?");
    auto remove = sink->db_->Prepare("DELETE FROM rankr_contacts WHERE ghl_id = ?");
    if (!upsert.ok()) return upsert.status();
    if (!select.ok()) return select.status();
    if (!remove.ok()) return remove.status();
    sink->upsert_ = *std::move(upsert);
    sink->select_ = *std::move(select);
    sink->delete_ = *std::move(remove);
    return std::unique_ptr<RankrSink>(std::move(sink));
  }

  ~SqliteRankrSink() override {
    if (in_transaction_) (void)db_->Exec("ROLLBACK");
  }

  absl::StatusOr<UpsertOutcome> Upsert(const RankrRecord& record) override {
    std::string line = record.ToJson();
    absl::StatusOr<std::string> existing = Get(record.ghl_id);
    if (existing.ok() && *existing == line) return UpsertOutcome::kUnchanged;
    if (!existing.ok() && !absl::IsNotFound(existing.status())) return existing.status();
    if (absl::Status s = Begin(); !s.ok()) return s;
    SqliteStatement& st = *upsert_;
    st.BindText(1, record.ghl_id);
    st.BindText(2, record.updated_at);
    st.BindText(3, line);
    for (size_t i = 0; i < record.fields.size() && i < types_.size(); ++i) {
      const int index = static_cast<int>(i) + 4;
      const RankrValue& v = record.fields[i].second;
      switch (v.kind) {
        case RankrValue::Kind::kNull:
          st.BindNull(index);
          break;
        case RankrValue::Kind::kString:
        case RankrValue::Kind::kTimestamp:
          st.BindText(index, v.text);
          break;
        case RankrValue::Kind::kInt:
          st.BindInt64(index, v.int_value);
          break;
        case RankrValue::Kind::kBool:
          st.BindInt64(index, v.bool_value ? 1 : 0);
          break;
        case RankrValue::Kind::kDouble:
          st.BindDouble(index, v.double_value);
          break;
        case RankrValue::Kind::kStringList:
          st.BindText(index, v.ToJson());
          break;
      }
    }
    absl::StatusOr<bool> done = Run(st);
    if (!done.ok()) return done.status();
    return existing.ok() ? UpsertOutcome::kUpdated : UpsertOutcome::kInserted;
  }

  absl::StatusOr<bool> Delete(const std::string& ghl_id) override {
    absl::StatusOr<std::string> existing = Get(ghl_id);
    if (absl::IsNotFound(existing.status())) return false;
    if (!existing.ok()) return existing.status();
    if (absl::Status s = Begin(); !s.ok()) return s;
    delete_->BindText(1, ghl_id);
    absl::StatusOr<bool> done = Run(*delete_);
    if (!done.ok()) return done.status();
    return true;
  }

  absl::StatusOr<std::vector<std::string>> Ids() override {
    absl::StatusOr<std::unique_ptr<SqliteStatement>> st =
        db_->Prepare("SELECT ghl_id FROM rankr_contacts ORDER BY ghl_id");
    if (!st.ok()) return st.status();
    std::vector<std::string> ids;
    for (;;) {
      absl::StatusOr<bool> row = (*st)->Step();
      if (!row.ok()) return row.status();
      if (!*row) return ids;
      ids.push_back((*st)->ColumnText(0));
    }
  }

  absl::StatusOr<std::string> Get(const std::string& ghl_id) override {
    select_->BindText(1, ghl_id);
    absl::StatusOr<bool> row = select_->Step();
    std::string text = row.ok() && *row ? select_->ColumnText(0) : "";
    select_->Reset();
    if (!row.ok()) return row.status();
    if (!*row) return absl::NotFoundError(absl::StrCat("no record ", ghl_id));
    return text;
  }

  absl::Status Commit() override {
    if (!in_transaction_) return absl::OkStatus();
    absl::Status s = db_->Exec("COMMIT");
    in_transaction_ = false;
    return s;
  }

 private:
  explicit SqliteRankrSink(std::shared_ptr<SqliteDb> db) : db_(std::move(db)) {}

  absl::Status Begin() {
    if (in_transaction_) return absl::OkStatus();
    absl::Status s = db_->Exec("BEGIN IMMEDIATE");
    in_transaction_ = s.ok();
    return s;
  }
  static absl::StatusOr<bool> Run(SqliteStatement& st) {
    absl::StatusOr<bool> row = st.Step();
    st.Reset();
    return row;
  }

  std::shared_ptr<SqliteDb> db_;
  std::vector<RankrType> types_;
  std::unique_ptr<SqliteStatement> upsert_, select_, delete_;
  bool in_transaction_ = false;
};

}  // namespace

absl::StatusOr<SinkSpec> ParseSinkSpec(absl::string_view text) {
  SinkSpec spec;
  if (absl::StartsWith(text, "jsonl:")) {
    spec.kind = SinkSpec::Kind::kJsonl;
    spec.path = std::string(text.substr(6));
  } else if (absl::StartsWith(text, "sqlite:")) {
    spec.kind = SinkSpec::Kind::kSqlite;
    spec.path = std::string(text.substr(7));
  } else {
    return absl::InvalidArgumentError(absl::StrCat("--sink '", text, "': expected jsonl:PATH or sqlite:PATH"));
  }
  if (spec.path.empty()) return absl::InvalidArgumentError(absl::StrCat("--sink '", text, "': the path is empty"));
  return spec;
}

absl::StatusOr<std::unique_ptr<RankrSink>> OpenRankrSink(const SinkSpec& spec, const FieldMapping& mapping) {
  if (spec.kind == SinkSpec::Kind::kJsonl) return JsonlRankrSink::Open(spec.path);
  return SqliteRankrSink::Open(spec.path, mapping);
}

}  // namespace ghl::client
