-- expect: runtime
-- message: attempt to call a nil value (global 'dofile')
return dofile("/etc/passwd")
