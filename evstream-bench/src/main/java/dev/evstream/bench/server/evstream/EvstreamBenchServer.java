package dev.evstream.bench.server.evstream;

import java.util.Map;

import dev.evstream.bench.server.BenchPorts;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The starter-based benchmark server: the evstream endpoint at {@code /evstream}, plus
 * {@code POST /publish?channel=} and {@code POST /state/{name}}. Its limits are raised
 * far above the benchmarks' connection counts; everything else is the starter's default.
 *
 * @since 0.1.0
 */
@SpringBootApplication
public class EvstreamBenchServer {

	/**
	 * Starts the server; Spring Boot arguments such as {@code --server.port} apply.
	 * @param args the arguments
	 */
	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(EvstreamBenchServer.class);
		application.setDefaultProperties(Map.of("server.port", BenchPorts.DEFAULT, "spring.main.banner-mode", "off",
				"evstream.max-connections", 100_000, "evstream.max-listeners", 100_000));
		application.run(args);
	}

}
