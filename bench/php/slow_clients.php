<?php
// 50 clients that ask for 16 x 1 MiB and never read.
$port = (int)$argv[1]; $cs = [];
for ($i = 0; $i < 50; $i++) { $c = stream_socket_client("tcp://127.0.0.1:$port"); fwrite($c, "give"); $cs[] = $c; }
sleep(4);
echo "done\n";
