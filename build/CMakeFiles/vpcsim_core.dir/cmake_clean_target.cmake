file(REMOVE_RECURSE
  "libvpcsim_core.a"
)
