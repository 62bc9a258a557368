# kokemus_proto_sources(<out-var> ROOT <import-root> PROTOS <relative paths...>
#                       [GRPC <relative paths of protos with services...>])
# Runs protoc (and the gRPC C++ plugin) so that generated files land in
# ${KOKEMUS_GEN_DIR} under the same relative path as the proto below its
# import root, which is how generated code includes its imports.
# (CMake 3.25's protobuf_generate places them relative to the source dir.)
function(kokemus_proto_sources out_var)
  cmake_parse_arguments(ARG "" "ROOT" "PROTOS;GRPC" ${ARGN})
  set(sources "")
  foreach(proto IN LISTS ARG_PROTOS)
    string(REGEX REPLACE "\\.proto$" "" base "${proto}")
    set(outputs "${KOKEMUS_GEN_DIR}/${base}.pb.cc" "${KOKEMUS_GEN_DIR}/${base}.pb.h")
    set(plugin_args "")
    if(proto IN_LIST ARG_GRPC)
      list(APPEND outputs "${KOKEMUS_GEN_DIR}/${base}.grpc.pb.cc"
                          "${KOKEMUS_GEN_DIR}/${base}.grpc.pb.h")
      set(plugin_args
        "--plugin=protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>"
        "--grpc_out=${KOKEMUS_GEN_DIR}")
    endif()
    add_custom_command(
      OUTPUT ${outputs}
      COMMAND protobuf::protoc
        "-I${ARG_ROOT}" "-I${CMAKE_SOURCE_DIR}/api" "-I${KOKEMUS_GOOGLEAPIS_DIR}"
        "--cpp_out=${KOKEMUS_GEN_DIR}" ${plugin_args}
        "${ARG_ROOT}/${proto}"
      DEPENDS "${ARG_ROOT}/${proto}" protobuf::protoc gRPC::grpc_cpp_plugin
      COMMENT "protoc ${proto}"
      VERBATIM)
    list(APPEND sources ${outputs})
  endforeach()
  set(${out_var} ${sources} PARENT_SCOPE)
endfunction()
