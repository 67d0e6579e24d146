// RouteTable: the sandbox's map from (HTTP method, path) to an operation of
// apps/contacts.json. Each entry is one spec operation: its method, its path
// template exactly as the spec writes it ("/contacts/{contactId}/tasks/{taskId}"),
// its operationId, the scope its `security` requires, and a handler.
//
// Matching works on '/'-separated segments, like Express (which GHL runs):
// a `{name}` segment matches any non-empty segment, every other segment
// matches itself exactly (so "/contacts/" with its trailing empty segment is
// not "/contacts"). Among the entries of the request's method whose template
// matches, the one with a literal segment at the first position where the
// candidates differ wins: "/contacts/search" beats "/contacts/{contactId}",
// ".../campaigns/removeAll" beats ".../campaigns/{campaignId}". The method is
// filtered first, so `GET /contacts/search` is get-contact with contactId
// "search" (Express answers it that way too), not a 404.
//
// Thread-safety: Add is not thread-safe; after the last Add, Match and
// entries() may run concurrently. Matches view the request path and the
// table, so both must outlive the match.
#ifndef GHL_TOOLS_GHL_SANDBOX_ROUTE_TABLE_H_
#define GHL_TOOLS_GHL_SANDBOX_ROUTE_TABLE_H_

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace ghl::sandbox {

/// The `{name}` values of a matched path, in template order.
class PathParams {
 public:
  /// @return the value of `{name}`, or "" when the template has no such
  ///         parameter.
  absl::string_view Get(absl::string_view name) const {
    for (const auto& [key, value] : params_) {
      if (key == name) return value;
    }
    return {};
  }
  /// Appends a parameter (used by RouteTable::Match).
  void Add(absl::string_view name, absl::string_view value) { params_.emplace_back(name, value); }
  /// Number of parameters.
  size_t size() const { return params_.size(); }

 private:
  absl::InlinedVector<std::pair<absl::string_view, absl::string_view>, 2> params_;
};

/// One operation of the spec. See the file comment.
template <typename Handler>
struct RouteEntry {
  std::string method;         ///< "GET", "POST", "PUT", "DELETE"
  std::string path_template;  ///< the spec's path, e.g. "/contacts/{contactId}"
  std::string operation_id;   ///< the spec's operationId
  std::string scope;          ///< the scope the sandbox requires
  Handler handler;

  /// The template split at '/' (the leading "" dropped); filled by Add.
  std::vector<std::string> segments;
};

/// What Match found: the entry and its path parameters.
template <typename Handler>
struct RouteMatch {
  const RouteEntry<Handler>* entry = nullptr;
  PathParams params;
};

/// The route table. See the file comment.
template <typename Handler>
class RouteTable {
 public:
  /// Adds an operation; `path_template` must start with '/'.
  void Add(std::string method, std::string path_template, std::string operation_id,
           std::string scope, Handler handler) {
    RouteEntry<Handler> e{std::move(method), std::move(path_template), std::move(operation_id),
                          std::move(scope),  std::move(handler),       {}};
    e.segments = absl::StrSplit(absl::string_view(e.path_template).substr(1), '/');
    entries_.push_back(std::move(e));
  }

  /// Finds the operation for a request. @return entry == nullptr when no
  /// entry of this method matches the path.
  RouteMatch<Handler> Match(absl::string_view method, absl::string_view path) const {
    RouteMatch<Handler> best;
    if (path.empty() || path.front() != '/') return best;
    const std::vector<absl::string_view> segments = absl::StrSplit(path.substr(1), '/');
    for (const auto& e : entries_) {
      if (e.method != method || e.segments.size() != segments.size()) continue;
      bool matches = true;
      for (size_t i = 0; i < segments.size() && matches; ++i) {
        matches = IsParam(e.segments[i]) ? !segments[i].empty() : e.segments[i] == segments[i];
      }
      if (matches && (best.entry == nullptr || MoreLiteral(e, *best.entry))) best.entry = &e;
    }
    if (best.entry == nullptr) return best;
    for (size_t i = 0; i < segments.size(); ++i) {
      const std::string& s = best.entry->segments[i];
      if (IsParam(s)) best.params.Add(absl::string_view(s).substr(1, s.size() - 2), segments[i]);
    }
    return best;
  }

  /// Every entry, in the order added.
  const std::vector<RouteEntry<Handler>>& entries() const { return entries_; }

 private:
  static bool IsParam(absl::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
  }
  // True when `a` has a literal where `b` has a parameter at the first
  // position where they differ in kind.
  static bool MoreLiteral(const RouteEntry<Handler>& a, const RouteEntry<Handler>& b) {
    for (size_t i = 0; i < a.segments.size(); ++i) {
      const bool pa = IsParam(a.segments[i]);
      const bool pb = IsParam(b.segments[i]);
      if (pa != pb) return !pa;
    }
    return false;
  }

  std::vector<RouteEntry<Handler>> entries_;
};

}  // namespace ghl::sandbox

#endif  // GHL_TOOLS_GHL_SANDBOX_ROUTE_TABLE_H_
