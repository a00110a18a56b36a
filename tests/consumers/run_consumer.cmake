# Configures, builds and runs the consumer project in one of three modes.
file(REMOVE_RECURSE ${BIN})
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SRC} -B ${BIN} -G ${GENERATOR}
    -DMODE=${MODE} -DCMAKE_PREFIX_PATH=${PREFIX} -DDOITHOAI_DIR=${DOITHOAI_DIR}
    -DCMAKE_BUILD_TYPE=Release
  RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configure failed (${MODE})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BIN} RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "build failed (${MODE})")
endif()
execute_process(COMMAND ${BIN}/consumer RESULT_VARIABLE rc OUTPUT_VARIABLE out)
message(STATUS "${out}")
if(rc OR NOT out MATCHES "consumer ok")
  message(FATAL_ERROR "consumer run failed (${MODE}): ${out}")
endif()
