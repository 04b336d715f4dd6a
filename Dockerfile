# syntax=docker/dockerfile:1
# Build: docker build -t media-gateway-sync .   Run: see docker-compose.yml and k8s/.

# ---- build: the same command as on a developer machine --------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Dependencies first, so a source change does not download them again.
COPY pom.xml ./
RUN mvn -B -q -DskipTests dependency:go-offline || true
COPY topics ./topics
COPY src ./src
RUN mvn -B -q -DskipTests package

# ---- run: a JRE, the runnable jar, a non-root user ------------------------------------------------
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 sync \
 && useradd --system --uid 10001 --gid sync --home-dir /app --shell /usr/sbin/nologin sync \
 && mkdir -p /app /data \
 && chown sync:sync /data
WORKDIR /app
COPY --from=build /src/target/media-gateway-sync.jar /app/media-gateway-sync.jar
USER 10001:10001
# State stores (and embedded services, when nothing is configured) live in /data: mount a volume there.
ENV SYNC_DATA_DIR=/data \
    JAVA_OPTS="-XX:MaxRAMPercentage=45 -XX:+ExitOnOutOfMemoryError"
VOLUME ["/data"]
EXPOSE 8083
# exec: java is PID 1 and gets SIGTERM, so the service stops gracefully (commits, closes stores).
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/media-gateway-sync.jar \"$@\"", "media-gateway-sync"]
CMD ["serve"]
