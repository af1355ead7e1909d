# The agent-telemetry command (launcher module) with its runtime libraries.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -q -B package -DskipTests

FROM eclipse-temurin:17-jre
WORKDIR /opt/agent-telemetry
COPY --from=build /src/launcher/target/agent-telemetry.jar ./
COPY --from=build /src/launcher/target/lib ./lib
ENV AGENT_TELEMETRY_JAVA_OPTS=""
ENTRYPOINT ["java", "-jar", "/opt/agent-telemetry/agent-telemetry.jar"]
CMD ["up", "--data-dir", "/var/lib/agent-telemetry"]
