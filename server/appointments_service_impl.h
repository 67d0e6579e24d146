// AppointmentsServiceImpl: the gRPC AppointmentsService over
// AppointmentsConnection.
//
// ListContactAppointments is a ServerWriteReactor like ListContacts: it
// fetches the upstream answer on the worker pool, writes it as one page with
// a resume token, and finishes after the write completed, so the stream
// holds no thread while it waits for the caller. GHL answers with every
// appointment at once, so the stream is one page with last_page set; a
// resume token from that page gives one empty last page. Should GHL start
// paging, only the reactor's fetch loop changes, not the contract.
//
// Thread-safety: one instance serves all calls concurrently. The connection
// and pool must outlive the gRPC server.
#ifndef GHL_SERVER_APPOINTMENTS_SERVICE_IMPL_H_
#define GHL_SERVER_APPOINTMENTS_SERVICE_IMPL_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "adapters/ghl/contacts/resource_connections.h"
#include "ghl/contacts/v1/appointments_service.grpc.pb.h"
#include "server/worker_pool.h"

namespace ghl::server {

class AppointmentsServiceImpl final
    : public ghl::contacts::v1::AppointmentsService::CallbackService {
 public:
  AppointmentsServiceImpl(std::shared_ptr<ghl::contacts::AppointmentsConnection> connection,
                          WorkerPool* pool)
      : connection_(std::move(connection)), pool_(pool) {}

  grpc::ServerWriteReactor<ghl::contacts::v1::ListContactAppointmentsResponse>*
  ListContactAppointments(
      grpc::CallbackServerContext* context,
      const ghl::contacts::v1::ListContactAppointmentsRequest* request) override;

 private:
  std::shared_ptr<ghl::contacts::AppointmentsConnection> connection_;
  WorkerPool* pool_;
};

/// Encodes `cursor` as an opaque, URL-safe resume token.
std::string EncodeAppointmentsResumeToken(
    const ghl::contacts::v1::ContactAppointmentsCursor& cursor);

/// Decodes `request.resume_token` (empty: the beginning, a default cursor).
/// @return INVALID_ARGUMENT ("resume_token: ...") for a malformed token or
///         one issued for another location or contact.
absl::StatusOr<ghl::contacts::v1::ContactAppointmentsCursor> DecodeAppointmentsResumeToken(
    const ghl::contacts::v1::ListContactAppointmentsRequest& request);

}  // namespace ghl::server

#endif  // GHL_SERVER_APPOINTMENTS_SERVICE_IMPL_H_
