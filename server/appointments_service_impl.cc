#include "server/appointments_service_impl.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "server/call_log.h"
#include "server/caller_auth.h"
#include "server/grpc_status.h"
#include "server/request_validation.h"
#include "server/resource_validation.h"
#include "server/unary_call.h"

namespace ghl::server {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::ghl::contacts::AppointmentsConnection;

constexpr size_t kMaxTokenLength = 1024;

class ListContactAppointmentsReactor final
    : public grpc::ServerWriteReactor<v1::ListContactAppointmentsResponse> {
 public:
  ListContactAppointmentsReactor(grpc::CallbackServerContext* context,
                                 const v1::ListContactAppointmentsRequest* request,
                                 AppointmentsConnection* connection, WorkerPool* pool)
      : context_(context), request_(request), connection_(connection) {
    if (auto s = ValidateContactParent(*request_); !s.ok()) {
      Finish(ToGrpcStatus(s));
      return;
    }
    auto cursor = DecodeAppointmentsResumeToken(*request_);
    if (!cursor.ok()) {
      Finish(ToGrpcStatus(cursor.status()));
      return;
    }
    cursor_ = *std::move(cursor);
    if (cursor_.done()) {
      // Resumed after the last page: one empty last page, so every stream
      // ends with last_page and a caller can tell "complete" from "broken".
      response_.set_resume_token(request_->resume_token());
      response_.set_page_number(cursor_.pages_delivered());
      response_.set_last_page(true);
      StartWrite(&response_);
      return;
    }
    if (!pool->Post([this] { Fetch(); })) Finish(ShuttingDownStatus());
  }

  void OnWriteDone(bool ok) override {
    Finish(ok ? grpc::Status::OK
              : grpc::Status(grpc::StatusCode::CANCELLED, "the caller stopped reading"));
  }

  void OnDone() override { delete this; }

 private:
  // Runs on the pool. Touches nothing after StartWrite/Finish: OnWriteDone
  // and OnDone may run on another thread right away.
  void Fetch() {
    CallScope call(context_);  // the page's GHL requests carry the call's request id
    if (context_->IsCancelled()) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the caller"));
      return;
    }
    auto page =
        connection_->ListContactAppointments(request_->location_id(), request_->contact_id(),
                                             [this] { return context_->IsCancelled(); });
    if (!page.ok()) {
      Finish(ToGrpcStatus(page.status()));
      return;
    }
    // GHL does not page this endpoint: its one answer is the last page.
    v1::ContactAppointmentsCursor next;
    next.set_location_id(request_->location_id());
    next.set_contact_id(request_->contact_id());
    next.set_pages_delivered(cursor_.pages_delivered() + 1);
    next.set_appointments_delivered(cursor_.appointments_delivered() + page->appointments.size());
    next.set_done(true);
    *response_.mutable_appointments() = std::move(page->appointments);
    response_.set_resume_token(EncodeAppointmentsResumeToken(next));
    response_.set_page_number(next.pages_delivered());
    response_.set_last_page(true);
    StartWrite(&response_);
  }

  grpc::CallbackServerContext* context_;
  const v1::ListContactAppointmentsRequest* request_;
  AppointmentsConnection* connection_;
  v1::ContactAppointmentsCursor cursor_;
  v1::ListContactAppointmentsResponse response_;
};

}  // namespace

std::string EncodeAppointmentsResumeToken(const v1::ContactAppointmentsCursor& cursor) {
  return EncodeCursorToken(cursor);
}

absl::StatusOr<v1::ContactAppointmentsCursor> DecodeAppointmentsResumeToken(
    const v1::ListContactAppointmentsRequest& request) {
  v1::ContactAppointmentsCursor cursor;
  if (request.resume_token().empty()) return cursor;
  if (!DecodeCursorToken(request.resume_token(), kMaxTokenLength, &cursor)) {
    return absl::InvalidArgumentError("resume_token: not a token of ListContactAppointments");
  }
  if (cursor.location_id() != request.location_id() ||
      cursor.contact_id() != request.contact_id()) {
    return absl::InvalidArgumentError("resume_token: issued for another location_id or contact_id");
  }
  if (cursor.pages_delivered() < 0 || cursor.appointments_delivered() < 0) {
    return absl::InvalidArgumentError("resume_token: negative counts");
  }
  return cursor;
}

grpc::ServerWriteReactor<v1::ListContactAppointmentsResponse>*
AppointmentsServiceImpl::ListContactAppointments(
    grpc::CallbackServerContext* context, const v1::ListContactAppointmentsRequest* request) {
  if (auto denied = CallerDenied(context)) {
    return new FinishedWriteReactor<v1::ListContactAppointmentsResponse>(*denied);
  }
  return new ListContactAppointmentsReactor(context, request, connection_.get(), pool_);
}

}  // namespace ghl::server
