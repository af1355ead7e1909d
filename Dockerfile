# Build once; two images: the agent-telemetry command (default target) and a Kafka Connect worker
# with the Loki sink plugin in its plugin.path (target "connect").
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -q -B package -DskipTests \
 && mkdir -p /plugins && cd /plugins && jar xf /src/sink-loki/target/agent-telemetry-sink-loki-*.zip

FROM apache/kafka:4.3.1 AS connect
COPY --from=build /plugins /opt/connect-plugins
COPY deploy/connect/connect-distributed.properties /opt/connect/connect-distributed.properties
ENTRYPOINT ["/opt/kafka/bin/connect-distributed.sh", "/opt/connect/connect-distributed.properties"]

FROM eclipse-temurin:17-jre
WORKDIR /opt/agent-telemetry
COPY --from=build /src/launcher/target/agent-telemetry.jar ./
COPY --from=build /src/launcher/target/lib ./lib
ENV AGENT_TELEMETRY_JAVA_OPTS=""
ENTRYPOINT ["java", "-jar", "/opt/agent-telemetry/agent-telemetry.jar"]
CMD ["up", "--data-dir", "/var/lib/agent-telemetry"]
