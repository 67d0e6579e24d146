#include "adapters/ghl/contacts/contacts_connection.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"

namespace ghl::contacts {
namespace {

using ::ghl::contacts::v1::Contact;

ExponentialBackoff MakeBackoff(const ConnectionOptions& o) {
  return ExponentialBackoff(o.initial_backoff, o.max_backoff, o.backoff_multiplier, o.jitter);
}

template <typename T>
absl::StatusOr<T> RunRetry(const ConnectionOptions& o, Idempotency idempotency,
                           const std::function<absl::StatusOr<T>()>& attempt,
                           const CancelFn& cancelled, absl::Time deadline = absl::InfiniteFuture()) {
  return RetryLoop<T>(o.retry, MakeBackoff(o), idempotency, *o.clock, attempt, cancelled, deadline);
}

// The stub's per-call options under the caller's bounds.
CallOptions Bounded(const ConnectionOptions& o, const CancelFn& cancelled, absl::Time deadline) {
  CallOptions call;
  call.timeout = o.call_timeout;
  call.deadline = deadline;
  call.cancelled = cancelled;
  return call;
}

}  // namespace

ContactsConnection::ContactsConnection(std::shared_ptr<ContactsStub> stub, ConnectionOptions options)
    : stub_(std::move(stub)), options_(std::move(options)) {
  if (options_.clock == nullptr) options_.clock = &DefaultClock();
  if (!options_.jitter) options_.jitter = DefaultJitterSource();
}

template <typename T>
absl::StatusOr<T> ContactsConnection::Retry(Idempotency idempotency,
                                            const std::function<absl::StatusOr<T>()>& attempt,
                                            const CancelFn& cancelled) {
  return RunRetry<T>(options_, idempotency, attempt, cancelled);
}

absl::StatusOr<Contact> ContactsConnection::GetContact(const std::string& location_id,
                                                       const std::string& contact_id,
                                                       const CancelFn& cancelled, absl::Time deadline) {
  const CallOptions call = Bounded(options_, cancelled, deadline);
  return RunRetry<Contact>(
      options_, Idempotency::kIdempotent,
      [&] { return stub_->GetContact(call, location_id, contact_id); }, cancelled, deadline);
}

absl::StatusOr<Contact> ContactsConnection::CreateContact(const std::string& location_id,
                                                          const Contact& contact,
                                                          const CancelFn& cancelled, absl::Time deadline) {
  const CallOptions call = Bounded(options_, cancelled, deadline);
  return Write<Contact>(
      "the create", false, [&] { return stub_->CreateContact(call, location_id, contact); },
      cancelled, deadline);
}

absl::StatusOr<Contact> ContactsConnection::UpdateContact(const std::string& location_id,
                                                          const Contact& contact,
                                                          const google::protobuf::FieldMask& mask,
                                                          const CancelFn& cancelled, absl::Time deadline) {
  const CallOptions call = Bounded(options_, cancelled, deadline);
  return Write<Contact>(
      "the update", false, [&] { return stub_->UpdateContact(call, location_id, contact, mask); },
      cancelled, deadline);
}

absl::Status ContactsConnection::DeleteContact(const std::string& location_id,
                                               const std::string& contact_id,
                                               const CancelFn& cancelled, absl::Time deadline) {
  const CallOptions call = Bounded(options_, cancelled, deadline);
  auto result = Write<bool>(
      "the delete", false,
      [&]() -> absl::StatusOr<bool> {
        auto s = stub_->DeleteContact(call, location_id, contact_id);
        if (!s.ok()) return s;
        return true;
      },
      cancelled, deadline);
  return result.status();
}

std::unique_ptr<ContactsPager> ContactsConnection::ListContacts(ListContactsPageRequest request,
                                                                ListPosition start) {
  request.cursor.reset();
  return std::unique_ptr<ContactsPager>(
      new ContactsPager(stub_, options_, std::move(request), std::move(start)));
}

ContactsPager::ContactsPager(std::shared_ptr<ContactsStub> stub, const ConnectionOptions& options,
                             ListContactsPageRequest request, ListPosition start)
    : stub_(std::move(stub)), options_(options), request_(std::move(request)), position_(std::move(start)) {
  if (position_.cursor) {
    seen_cursors_.emplace(position_.cursor->start_after, position_.cursor->start_after_id);
  }
}

absl::StatusOr<ListContactsPage> ContactsPager::NextPage(const CancelFn& cancelled,
                                                        absl::Time deadline) {
  if (position_.done) return absl::FailedPreconditionError("the listing is already complete");
  ListContactsPageRequest request = request_;
  request.cursor = position_.cursor;
  const CallOptions call = Bounded(options_, cancelled, deadline);
  auto page = RunRetry<ListContactsPage>(
      options_, Idempotency::kIdempotent, [&] { return stub_->ListContacts(call, request); },
      cancelled, deadline);
  if (!page.ok()) return page.status();
  // An upstream whose pages overlap (a contact at the end of one page again
  // at the start of the next) would otherwise make the caller see it twice.
  {
    std::set<std::string> kept;
    auto& contacts = page->contacts;
    contacts.erase(std::remove_if(contacts.begin(), contacts.end(),
                                  [&](const v1::Contact& c) {
                                    return previous_page_ids_.count(c.id()) > 0 || !kept.insert(c.id()).second;
                                  }),
                   contacts.end());
    previous_page_ids_ = std::move(kept);
  }
  const int64_t delivered = position_.contacts_delivered + static_cast<int64_t>(page->contacts.size());
  if (page->meta_total >= 0 && page->next && delivered > 2 * page->meta_total + 1000) {
    // New cursors forever: stop rather than stream without end.
    return absl::InternalError(absl::StrCat("GHL pagination runs past its own total (", delivered,
                                            " contacts delivered, meta.total ", page->meta_total,
                                            "); stopping instead of looping"));
  }
  if (!page->next && page->meta_total >= 0 && delivered < page->meta_total) {
    // The listing ended (no cursor, an empty or malformed page) before the
    // upstream's own count: a silent "success" here would lose contacts.
    return absl::InternalError(absl::StrCat(
        "GHL ended the listing after ", delivered, " of meta.total ", page->meta_total,
        " contacts (no next cursor); the export is incomplete, resume from the last token"));
  }
  if (page->next) {
    auto key = std::make_pair(page->next->start_after, page->next->start_after_id);
    if (!seen_cursors_.insert(key).second) {
      // Following it again would re-read pages forever (or duplicate contacts).
      return absl::InternalError(absl::StrCat(
          "GHL pagination repeated a cursor (startAfterId=", page->next->start_after_id,
          ", startAfter=", page->next->start_after, ") after ", position_.pages_delivered + 1,
          " pages; stopping instead of looping"));
    }
  }
  position_.pages_delivered += 1;
  position_.contacts_delivered += static_cast<int64_t>(page->contacts.size());
  position_.cursor = page->next;
  position_.done = !page->next.has_value();
  return page;
}

}  // namespace ghl::contacts
