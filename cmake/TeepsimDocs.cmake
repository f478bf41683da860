# `docs` target: the API reference of the public model headers (docs/api/Doxyfile.in) into
# build/docs/api/html, and the ctest docs_doxygen that runs it with every warning an error
# (an undocumented class, member, attribute or helper fails). Without doxygen (Debian
# `doxygen`, scripts/bootstrap.sh) the target says so and the test is skipped with that message.
find_program(TEEPSIM_DOXYGEN doxygen)
set(TEEPSIM_DOXYGEN_OUT ${PROJECT_BINARY_DIR}/docs/api)
configure_file(${PROJECT_SOURCE_DIR}/docs/api/Doxyfile.in ${TEEPSIM_DOXYGEN_OUT}/Doxyfile @ONLY)
if(TEEPSIM_DOXYGEN)
  add_custom_target(docs
                    COMMAND ${CMAKE_COMMAND} -E make_directory ${TEEPSIM_DOXYGEN_OUT}
                    COMMAND ${TEEPSIM_DOXYGEN} ${TEEPSIM_DOXYGEN_OUT}/Doxyfile
                    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                    COMMENT "doxygen: API reference in ${TEEPSIM_DOXYGEN_OUT}/html"
                    VERBATIM)
else()
  add_custom_target(docs
                    COMMAND ${CMAKE_COMMAND} -E echo
                            "docs: doxygen not found (Debian package doxygen, scripts/bootstrap.sh)"
                    COMMAND ${CMAKE_COMMAND} -E false
                    VERBATIM)
endif()
add_test(NAME docs_doxygen
         COMMAND ${PROJECT_SOURCE_DIR}/scripts/run_doxygen.sh ${TEEPSIM_DOXYGEN_OUT}/Doxyfile
                 ${TEEPSIM_DOXYGEN_OUT})
# Exit 77: doxygen absent, reported as skipped.
set_tests_properties(docs_doxygen PROPERTIES TIMEOUT 300 LABELS docs SKIP_RETURN_CODE 77)
# What doxygen cannot see: every public model header is in the Doxyfile's INPUT, and every
# attribute and trace source a model TypeId registers is named in its class's comment.
add_test(NAME docs_api_complete
         COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/docs/api/check_api_docs.py
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(docs_api_complete PROPERTIES TIMEOUT 60 LABELS docs)
