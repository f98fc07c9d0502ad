// The apps layer's image side, for the CLI and the deploy step: validate input, ensure the ECR
// repository, build for the node's architecture, push by digest, list what ECR holds.
export { archForInstanceType, hostArch, type ImageArch } from './arch.js';
export { buildImage, type BuildImageOptions, type BuiltImage } from './build.js';
export { EmulationMissingError, dockerfileRunsPrograms, emulationAvailable } from './emulation.js';
export { DEFAULT_TOOLS, ToolFailed, type ContainerTools } from './engine.js';
export { gitVersionTag } from './git-version.js';
export { listImages, type RepositoryImage } from './images.js';
export { IMAGE_TAG_RE, resolveProjectPath, validateAppName, validateImageTag } from './input.js';
export { pushImage, type PushImageOptions, type PushResult } from './push.js';
export { getRegistryLogin, loginFresh, type RegistryLogin } from './registry-login.js';
export { ensureRepository, type EnsureRepositoryOptions, type EnsuredRepository } from './repository.js';
export { DEFAULT_KEEP_IMAGES, ecrRepositoryName, keepLastPolicy } from './repository-name.js';
