// Deterministic synthetic GHL data: a location with the demo dataset's
// custom field definitions and contacts shaped like the demo's (nine
// locales: US, DE, FR, JP, AE, BR, MX, IN, CN, so Latin with accents,
// Japanese, Chinese, Arabic and Devanagari names; emails, E.164 phones,
// tags with commas, spaces and non-ASCII, DND settings, attribution sources,
// dateAdded spread over 2019-2026, custom fields of seven types).
//
// Contact i is a pure function of (seed, i): the same seed gives the same
// ids and data on every platform (no std:: distributions), and any contact
// can be produced without producing the ones before it.
//
// Tasks, notes and appointments of generated contacts come from
// GenerateRelated, a pure function of (seed, contact id, kind) that the
// store calls on demand (see ContactStore's RelatedGenerator): 0-3 tasks,
// 0-2 notes and, for about one contact in five, an appointment, shaped like
// the demo dataset's records.
//
// Custom field values are strings by default, as the spec's
// CustomFieldSchema types them (so a Prism proxy accepts generated
// responses); with `typed_custom_values` they are numbers and arrays, as
// real GHL and the demo dataset send.
//
// Thread-safety: pure functions, safe to call concurrently; GenerateDataset
// needs exclusive use of the store.
#ifndef GHL_TOOLS_GHL_SANDBOX_DATA_GENERATOR_H_
#define GHL_TOOLS_GHL_SANDBOX_DATA_GENERATOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "tools/ghl-sandbox/contact_store.h"

namespace ghl::sandbox {

/// What to generate.
struct GeneratorOptions {
  int64_t contacts = 0;
  uint64_t seed = 1;
  std::string location_id = "ve9EPM428h8vShlRW1KT";
  bool typed_custom_values = false;
};

/// The generated location: the demo's seven custom field definitions plus
/// users and businesses derived from the seed.
LocationInfo GeneratedLocation(const GeneratorOptions& options);

/// Generated contact `index` (0-based) as a ready store record.
ContactRecord GenerateContact(const GeneratorOptions& options, const LocationInfo& location,
                              uint64_t index);

/// The related records of a generated contact (see the file comment).
std::vector<RelatedRecord> GenerateRelated(const GeneratorOptions& options,
                                           const LocationInfo& location, RelatedKind kind,
                                           const ContactRecord& contact);

/// Puts the location and `options.contacts` contacts into `store`, and
/// makes the store generate their related records on demand.
/// @return ALREADY_EXISTS in the (astronomically unlikely) case of an id
///         collision with existing contacts.
absl::Status GenerateDataset(const GeneratorOptions& options, ContactStore* store);

}  // namespace ghl::sandbox

#endif  // GHL_TOOLS_GHL_SANDBOX_DATA_GENERATOR_H_
