-- A bare POST with no body: the stack-floor app's write paths (bench/StackFloor).
wrk.method = "POST"
