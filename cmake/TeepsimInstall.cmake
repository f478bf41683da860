# Install rules and the exported CMake/pkg-config packages of the TEEP models (README: "Use the
# models from your own ns-3 program"). Included once at the end of the top-level CMakeLists.txt
# (or before its early return with TEEPSIM_CODEC_ONLY, then without the models and the CLI).
#
# Installed: the codec libraries (teepsim::codec aggregates teepsim::cbor, ::cose, ::suit, ::eat,
# ::teepmsg), the ns-3 models (teepsim::models), the Recorder (teepsim::recorder), the `teepsim`
# program, the public headers of the codec and models (include/teepsim) and of the Recorder
# (include/teepsim/sim/recorder.h and timeline.h; the rest of include/teepsim/sim stays private),
# the examples with a CMakeLists.txt that builds them against the package
# (share/teepsim/examples), teepsimConfig.cmake + teepsimConfigVersion.cmake, and teepsim.pc /
# teepsim-models.pc.
#
# The Recorder is its own target rather than part of teepsim::models: it is plain C++ (no ns-3,
# fed by the models' trace sources through callbacks the program connects), so a program that
# only wants the models does not link it, and one that wants R and T_trust exactly as
# `teepsim run` defines them links teepsim::recorder next to teepsim::models (the examples do).

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(TEEPSIM_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/teepsim)

set(_teepsim_codec_parts cbor cose suit eat teepmsg)
set(_teepsim_export_targets teepsim_codec)
foreach(part ${_teepsim_codec_parts})
  set_target_properties(teepsim_${part} PROPERTIES EXPORT_NAME ${part})
  list(APPEND _teepsim_export_targets teepsim_${part})
endforeach()
set_target_properties(teepsim_codec PROPERTIES EXPORT_NAME codec)

set(TEEPSIM_INSTALLED_MODELS OFF)
if(TARGET teepsim_models)
  set(TEEPSIM_INSTALLED_MODELS ON)
  set_target_properties(teepsim_models_archive PROPERTIES EXPORT_NAME models_archive)
  set_target_properties(teepsim_models PROPERTIES EXPORT_NAME models)
  list(APPEND _teepsim_export_targets teepsim_models_archive teepsim_models)
endif()

set(TEEPSIM_INSTALLED_RECORDER OFF)
if(TARGET teepsim_recorder)
  set(TEEPSIM_INSTALLED_RECORDER ON)
  set_target_properties(teepsim_recorder PROPERTIES EXPORT_NAME recorder)
  list(APPEND _teepsim_export_targets teepsim_recorder)
endif()

foreach(t ${_teepsim_export_targets})
  target_include_directories(${t} INTERFACE $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
endforeach()

install(TARGETS ${_teepsim_export_targets}
        EXPORT teepsimTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/teepsim/codec
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/teepsim FILES_MATCHING PATTERN "*.h")
if(TEEPSIM_INSTALLED_MODELS)
  # The models' headers sit directly in include/teepsim; the simulator's (sim/) stay private.
  file(GLOB _teepsim_model_headers CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/include/teepsim/*.h)
  install(FILES ${_teepsim_model_headers} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/teepsim)
endif()
if(TEEPSIM_INSTALLED_RECORDER)
  install(FILES ${PROJECT_SOURCE_DIR}/include/teepsim/sim/recorder.h
                ${PROJECT_SOURCE_DIR}/include/teepsim/sim/timeline.h
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/teepsim/sim)
  # What an ns-3 user copies: the examples, their shared Recorder wiring and a CMakeLists.txt
  # that builds them with find_package(teepsim) (tests/install/consumer_test.sh does).
  file(GLOB _teepsim_examples CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/models/teep/examples/*.cc
       ${PROJECT_SOURCE_DIR}/models/teep/examples/*.h)
  install(FILES ${_teepsim_examples} ${PROJECT_SOURCE_DIR}/models/teep/examples/CMakeLists.txt
          DESTINATION ${CMAKE_INSTALL_DATADIR}/teepsim/examples)
endif()
if(TARGET teepsim)
  install(TARGETS teepsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  # `teepsim report` finds these at PREFIX/share/teepsim/analysis (sim/cli/report_command.cc).
  file(GLOB _teepsim_analysis CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/analysis/*.py)
  install(FILES ${_teepsim_analysis} DESTINATION ${CMAKE_INSTALL_DATADIR}/teepsim/analysis)
endif()

install(EXPORT teepsimTargets NAMESPACE teepsim:: DESTINATION ${TEEPSIM_INSTALL_CMAKEDIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/teepsimConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/cmake/teepsimConfig.cmake
                              INSTALL_DESTINATION ${TEEPSIM_INSTALL_CMAKEDIR})
# 0.x: a consumer asking for 0.1 must not silently get 0.2.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cmake/teepsimConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/teepsimConfig.cmake
              ${PROJECT_BINARY_DIR}/cmake/teepsimConfigVersion.cmake
        DESTINATION ${TEEPSIM_INSTALL_CMAKEDIR})

# pkg-config: ${pcfiledir} keeps the files valid wherever the prefix is moved to.
file(RELATIVE_PATH TEEPSIM_PC_TO_PREFIX "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
string(REGEX REPLACE "/$" "" TEEPSIM_PC_TO_PREFIX "${TEEPSIM_PC_TO_PREFIX}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/teepsim.pc.in ${PROJECT_BINARY_DIR}/cmake/teepsim.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/cmake/teepsim.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(TEEPSIM_INSTALLED_MODELS)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/teepsim-models.pc.in
                 ${PROJECT_BINARY_DIR}/cmake/teepsim-models.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/cmake/teepsim-models.pc
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endif()
