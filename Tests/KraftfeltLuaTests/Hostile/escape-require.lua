-- expect: runtime
-- message: attempt to call a nil value (global 'require')
return require("io")
