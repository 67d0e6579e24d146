// Loads a GHL location dataset directory (the layout of
// ../shared/data/location-demo) into a ContactStore:
// - location.json: the location id, custom field definitions, users and
//   businesses;
// - contacts.jsonl: one contact object per line, kept byte for byte (every
//   member, known or not; Unicode intact);
// - tasks.jsonl, notes.jsonl, appointments.jsonl (optional): records keyed by
//   their `contactId`.
// Files are read whole and parsed with RapidJSON; 5,000 contacts load in
// tens of milliseconds.
//
// Thread-safety: the functions are reentrant; the store must not be used by
// anyone else while loading.
#ifndef GHL_TOOLS_GHL_SANDBOX_DATASET_LOADER_H_
#define GHL_TOOLS_GHL_SANDBOX_DATASET_LOADER_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tools/ghl-sandbox/contact_store.h"

namespace ghl::sandbox {

/// What a load added.
struct DatasetSummary {
  std::string location_id;
  size_t contacts = 0;
  size_t tasks = 0;
  size_t notes = 0;
  size_t appointments = 0;
};

/// Parses location.json text.
/// @return INVALID_ARGUMENT when it is not an object with a string
///         `locationId` and well-formed `customFields`.
absl::StatusOr<LocationInfo> ParseLocationJson(absl::string_view text);

/// Loads `dir` into `store`.
/// @return NOT_FOUND when location.json or contacts.jsonl is missing;
///         INVALID_ARGUMENT naming the file and line of a malformed record.
absl::StatusOr<DatasetSummary> LoadDataset(const std::string& dir, ContactStore* store);

}  // namespace ghl::sandbox

#endif  // GHL_TOOLS_GHL_SANDBOX_DATASET_LOADER_H_
