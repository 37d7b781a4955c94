-- expect: runtime
-- message: require: this host has no modules
return require("io")
