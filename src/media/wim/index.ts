export {
  decodeWimHeader,
  decodeResourceHeader,
  WIM_HEADER_SIZE,
  WIM_VERSION_DEFAULT,
  WIM_VERSION_OLD,
  WIM_VERSION_SOLID,
  WimHeaderFlag,
  WimResourceFlag,
  type WimHeader,
  type WimResourceHeader,
  type WimCompression,
} from './header.js';
export {
  parseWimXml,
  decodeWimXmlText,
  WIM_ARCHITECTURES,
  type WimInfo,
  type WimEdition,
  type WimVersion,
  type WimArchitecture,
} from './xml.js';
export { readWimInfo, readWimSourceInfo, readWimFileInfo, type WimReader, type WimDescription } from './wim.js';
