package io.ringtarget.server.config;

/**
 * HTTPS for the metrics endpoint: {@code certificate}, a PEM file with the server's certificate (then any
 * intermediate ones), and {@code key}, a PEM file with its private key, unencrypted PKCS#8 ("BEGIN PRIVATE KEY": what
 * {@code openssl genpkey} and {@code openssl req -newkey ... -nodes} write); RSA, EC or Ed25519. Both absolute paths,
 * read at start.
 */
public record MetricsTlsConfig(String certificate, String key)
{
}
