<?php
// PHP's FFI::cdef takes gamegate_ffi.h as it is: php header.php HEADER LIBRARY
$gg = FFI::cdef(file_get_contents($argv[1]), $argv[2]);
$version = $gg->gg_version(); // const char * arrives as a PHP string
if (!preg_match('/^\d+\.\d+\.\d+$/', $version)) { fwrite(STDERR, "bad version $version\n"); exit(1); }
if ($gg->GG_EINVAL !== 1 || $gg->gg_endpoint_count() < 10) { fwrite(STDERR, "bad constants\n"); exit(1); }
$client = $gg->new("gg_client *");
if ($gg->gg_client_new(FFI::addr($client)) !== $gg->GG_OK) { fwrite(STDERR, "no client\n"); exit(1); }
$result = $gg->new("gg_result *");
$code = $gg->gg_call_n($client, "kongregate.authenticate", null, null, 0, FFI::addr($result));
$message = $gg->gg_result_message($result);
$gg->gg_result_free($result);
$gg->gg_client_free($client);
if ($code !== $gg->GG_EINVAL || strpos($message, "user_id") === false) {
    fwrite(STDERR, "unexpected answer $code: $message\n"); exit(1);
}
echo "php: FFI::cdef took gamegate_ffi.h as it is ($version, {$gg->gg_endpoint_count()} endpoints)\n";
