file(REMOVE_RECURSE
  "libvpcsim_models.a"
)
