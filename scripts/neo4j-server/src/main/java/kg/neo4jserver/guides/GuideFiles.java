package kg.neo4jserver.guides;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.regex.Pattern;

import javax.ws.rs.GET;
import javax.ws.rs.PathParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.UriInfo;

/**
 * Serves the files of HOME/guides (kg's Neo4j Browser guide and style) under /kg/, so that one
 * command typed in Neo4j Browser opens them from the server it is connected to:
 *
 * <pre>
 *   :guide http://127.0.0.1:HTTP/kg/guide.html
 *   :style http://127.0.0.1:HTTP/kg/kg.grass
 * </pre>
 *
 * Mounted by {@code server.unmanaged_extension_classes=kg.neo4jserver.guides=/kg}; the folder
 * comes from the system property {@code kg.neo4jserver.guides}, set by the launcher. Only plain
 * file names of that folder are served (no sub-folders, no dot files), read-only. In an HTML file,
 * {@code {{kg-server}}} becomes this folder's own address, so the guide's commands name the
 * server that served it whatever its port.
 */
@javax.ws.rs.Path("/")
public class GuideFiles {
    public static final String FOLDER_PROPERTY = "kg.neo4jserver.guides";

    private static final String SERVER_PLACEHOLDER = "{{kg-server}}";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "grass", "text/plain; charset=utf-8",
            "md", "text/markdown; charset=utf-8",
            "png", "image/png");

    @GET
    @javax.ws.rs.Path("{name}")
    public Response file(@PathParam("name") String name, @Context UriInfo uri) {
        String folder = System.getProperty(FOLDER_PROPERTY);
        if (folder == null || !NAME.matcher(name).matches() || name.contains("..")) {
            return Response.status(Response.Status.NOT_FOUND).build();
        }
        String extension = name.substring(name.lastIndexOf('.') + 1);
        String type = TYPES.get(extension);
        java.nio.file.Path file = java.nio.file.Path.of(folder).resolve(name);
        if (type == null || !Files.isRegularFile(file)) {
            return Response.status(Response.Status.NOT_FOUND).build();
        }
        try {
            byte[] body = Files.readAllBytes(file);
            if (extension.equals("html")) {
                String here = uri.getBaseUri().toString();
                String text = new String(body, StandardCharsets.UTF_8);
                body = text.replace(SERVER_PLACEHOLDER, here.endsWith("/") ? here : here + "/")
                        .getBytes(StandardCharsets.UTF_8);
            }
            return Response.ok(body, type)
                    .header("Cache-Control", "no-cache")
                    .build();
        } catch (IOException e) {
            return Response.serverError().entity("cannot read " + name).type("text/plain").build();
        }
    }
}
