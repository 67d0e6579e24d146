#include "server/catalog_service_impl.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include "ghl/contacts/v1/events.pb.h"

namespace ghl::server {

namespace v1 = ::ghl::contacts::v1;

v1::ListEventTypesResponse BuildEventTypeList() {
  v1::ListEventTypesResponse list;
  const google::protobuf::EnumDescriptor* descriptor = v1::EventType_descriptor();
  for (int i = 0; i < descriptor->value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor* value = descriptor->value(i);
    if (value->number() == v1::EVENT_TYPE_UNSPECIFIED) continue;
    v1::EventTypeInfo* info = list.add_event_types();
    info->set_event_type(static_cast<v1::EventType>(value->number()));
    *info->mutable_description() = value->options().GetExtension(v1::event_description);
  }
  return list;
}

CatalogServiceImpl::CatalogServiceImpl() : event_types_(BuildEventTypeList()) {}

grpc::ServerUnaryReactor* CatalogServiceImpl::ListEventTypes(grpc::CallbackServerContext* context,
                                                             const v1::ListEventTypesRequest* /*request*/,
                                                             v1::ListEventTypesResponse* response) {
  *response = event_types_;
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace ghl::server
