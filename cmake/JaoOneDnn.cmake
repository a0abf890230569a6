# oneDNN comes from Maven Central (org.bytedeco:dnnl, unpacked by the Maven
# build). Its CMake package lives in <root>/lib/cmake/dnnl, but the jar keeps
# the libraries at <root>/libdnnl.so.3 while the package's targets expect
# <root>/lib/libdnnl.so.<major>.<minor>: bridge that with a link in the build
# tree's copy, never by editing the unpacked files.
#
# Input: JAO_DNNL_ROOT (the unpacked org/bytedeco/dnnl/<platform> folder).
# Output: target DNNL::dnnl, variables JAO_DNNL_RUNTIME_LIBS (files to ship).

if(NOT JAO_DNNL_ROOT)
  message(FATAL_ERROR "Set JAO_DNNL_ROOT to the unpacked org.bytedeco:dnnl platform folder "
                      "(the Maven build does this; see native/pom.xml)")
endif()
if(NOT EXISTS "${JAO_DNNL_ROOT}/libdnnl.so.3" OR NOT EXISTS "${JAO_DNNL_ROOT}/lib/cmake/dnnl/dnnl-config.cmake")
  message(FATAL_ERROR "JAO_DNNL_ROOT=${JAO_DNNL_ROOT} does not hold libdnnl.so.3 and lib/cmake/dnnl")
endif()

file(GLOB _jao_dnnl_expected "${JAO_DNNL_ROOT}/lib/libdnnl.so.3.*")
if(NOT _jao_dnnl_expected)
  file(STRINGS "${JAO_DNNL_ROOT}/lib/cmake/dnnl/dnnl-targets-release.cmake" _jao_loc
       REGEX "IMPORTED_LOCATION_RELEASE")
  string(REGEX MATCH "lib/libdnnl\\.so[.0-9]*" _jao_rel "${_jao_loc}")
  file(CREATE_LINK "${JAO_DNNL_ROOT}/libdnnl.so.3" "${JAO_DNNL_ROOT}/${_jao_rel}" SYMBOLIC)
endif()

set(dnnl_DIR "${JAO_DNNL_ROOT}/lib/cmake/dnnl")
find_package(dnnl 3.13 CONFIG REQUIRED)
set(JAO_DNNL_RUNTIME_LIBS "${JAO_DNNL_ROOT}/libdnnl.so.3" "${JAO_DNNL_ROOT}/libgomp.so.1")
