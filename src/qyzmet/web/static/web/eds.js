/* Signing in the browser through NCALayer (ncalayer-js-client). Filled in by the NCALayer work. */
